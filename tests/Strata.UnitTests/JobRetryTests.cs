using Microsoft.Extensions.Time.Testing;
using Strata.Host;
using Strata.Host.Jobs;
using Strata.Output;
using Strata.Warehouse.DuckDb;

namespace Strata.UnitTests;

/// <summary>The host's job retries back off on the clock they are given: a fake one, so no test waits out a real backoff.</summary>
public sealed class JobRetryTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"strata-unit-jobs-{Guid.NewGuid():N}.duckdb");
    private DuckDbWarehouse _warehouse = null!;

    public async Task InitializeAsync() => _warehouse = await DuckDbWarehouse.OpenAsync(_path);

    public async Task DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        File.Delete(_path);
        File.Delete(_path + ".wal");
    }

    [Fact]
    public async Task A_transient_failure_is_retried_only_when_the_clock_passes_the_backoff()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        var history = new JobHistory(_warehouse);
        await history.EnsureAsync();
        var started = System.Threading.Channels.Channel.CreateUnbounded<int>();
        var calls = 0;
        var job = new ScheduledJob("flaky", "* * * * *", Strata.Text.CronText.Parse("* * * * *"), TimeZoneInfo.Utc, [], _ =>
        {
            var call = Interlocked.Increment(ref calls);
            started.Writer.TryWrite(call);
            return call < 3 ? throw new IOException("connection reset") : Task.FromResult(JobOutcome.Success("ok"));
        });
        var scheduler = new JobScheduler([job], new PlatformState(), history, NullConsole.Instance, clock);

        var run = scheduler.RunOnceAsync(job, "test", CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await started.Reader.ReadAsync(timeout.Token));
        var advanced = TimeSpan.Zero;
        for (var retry = 2; retry <= 3; retry++)
        {
            // Nothing happens while the fake clock stands still; the retry comes once it passes Polly's backoff.
            var steps = 0;
            while (!started.Reader.TryRead(out var call) || call != retry)
            {
                Assert.True(steps < 600, $"retry {retry} did not come within 10 fake minutes");
                clock.Advance(TimeSpan.FromSeconds(1));
                advanced += TimeSpan.FromSeconds(1);
                steps++;
                using var moment = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
                try
                {
                    await started.Reader.WaitToReadAsync(moment.Token);
                }
                catch (OperationCanceledException)
                {
                    // the backoff is not over yet: advance again
                }
            }

            Assert.True(steps >= 1, $"retry {retry} ran before the clock moved");
        }

        var result = await run.WaitAsync(timeout.Token);
        Assert.Equal("success", result.Status);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(clock.GetUtcNow().UtcDateTime - advanced, result.StartedAt);
        // The run's duration is the fake time that passed: the backoff was waited on the given clock, not the real one.
        Assert.Equal(advanced, result.Duration);
    }

    [Fact]
    public async Task A_job_runs_under_its_name_for_the_warehouse_and_the_name_ends_with_it()
    {
        var history = new JobHistory(_warehouse);
        await history.EnsureAsync();
        string? seen = null;
        var job = new ScheduledJob("report:daily", "* * * * *", Strata.Text.CronText.Parse("* * * * *"), TimeZoneInfo.Utc, [], _ =>
        {
            seen = Strata.Warehouse.WarehouseJob.Current;
            return Task.FromResult(JobOutcome.Success("ok"));
        });
        var scheduler = new JobScheduler([job], new PlatformState(), history, NullConsole.Instance, new FakeTimeProvider());

        var run = await scheduler.RunOnceAsync(job, "test", CancellationToken.None);

        Assert.Equal("success", run.Status);
        Assert.Equal("report:daily", seen);
        Assert.Null(Strata.Warehouse.WarehouseJob.Current);
    }

    [Fact]
    public async Task A_failure_that_is_not_transient_is_not_retried()
    {
        var clock = new FakeTimeProvider();
        var history = new JobHistory(_warehouse);
        await history.EnsureAsync();
        var calls = 0;
        var job = new ScheduledJob("broken", "* * * * *", Strata.Text.CronText.Parse("* * * * *"), TimeZoneInfo.Utc, [], _ =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("a bug, not the network");
        });
        var scheduler = new JobScheduler([job], new PlatformState(), history, NullConsole.Instance, clock);

        var result = await scheduler.RunOnceAsync(job, "test", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("failed", result.Status);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(1, calls);
    }
}
