using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Strata.Host;
using Strata.Host.Workers;
using Strata.Output;
using Strata.Testing;

namespace Strata.UnitTests;

/// <summary>A worker whose loop throws shows the failure and starts again after a backoff on the clock it is given.</summary>
public sealed class SupervisedWorkerTests
{
    private sealed class Flaky(PlatformState state, TimeProvider clock, Channel<int> started) : SupervisedWorker("flaky", state, NullConsole.Instance, clock)
    {
        private int _runs;

        public string? Job { get; private set; }

        protected override async Task RunAsync(CancellationToken stoppingToken)
        {
            Job = Strata.Warehouse.WarehouseJob.Current;
            var run = Interlocked.Increment(ref _runs);
            await started.Writer.WriteAsync(run, stoppingToken);
            if (run == 1)
            {
                throw new InvalidOperationException("a bug, not a Strata error");
            }

            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
    }

    /// <summary>A fake clock that tells when a timer is set: the worker shows its failure just before it starts waiting,
    /// and advancing the clock in between would move time past a wait that has not begun.</summary>
    private sealed class TimerSignallingClock : FakeTimeProvider
    {
        public SemaphoreSlim TimersCreated { get; } = new(0);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            TimersCreated.Release();
            return timer;
        }
    }

    [Fact]
    public async Task Any_exception_shows_as_failed_and_the_worker_restarts_once_the_backoff_has_passed()
    {
        var clock = new TimerSignallingClock();
        var state = new PlatformState();
        var started = Channel.CreateUnbounded<int>();
        using var worker = new Flaky(state, clock, started);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await worker.StartAsync(timeout.Token);
        Assert.Equal(1, await started.Reader.ReadAsync(timeout.Token));
        await Eventually.TrueAsync(() => Task.FromResult(state.Workers["flaky"] is { State: WorkerStatus.Failed, Detail: var detail } && detail!.StartsWith("unexpected error (a bug", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "the worker to show its failure");
        Assert.Contains("restarting in 1 s", state.Workers["flaky"]!.Detail, StringComparison.Ordinal);
        Assert.Equal("flaky", worker.Job); // the warehouse is told which worker sends its statements
        Assert.True(await clock.TimersCreated.WaitAsync(TimeSpan.FromSeconds(10)), "the worker never started its backoff");
        Assert.False(started.Reader.TryRead(out _)); // not before the clock moves

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await started.Reader.ReadAsync(timeout.Token));
        // Restarted, it stays failed until it reports healthy: a failure does not blink green.
        Assert.Equal(WorkerStatus.Failed, state.Workers["flaky"]!.State);
        Assert.EndsWith("; retrying", state.Workers["flaky"]!.Detail, StringComparison.Ordinal);

        await worker.StopAsync(timeout.Token);
        Assert.Equal(WorkerStatus.Stopped, state.Workers["flaky"]!.State);
    }
}
