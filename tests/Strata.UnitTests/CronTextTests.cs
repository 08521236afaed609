using Cronos;
using Microsoft.Extensions.Time.Testing;
using Strata.Errors;
using Strata.Host;
using Strata.Host.Jobs;
using Strata.Output;
using Strata.Text;
using Strata.UnitTests.Support;

namespace Strata.UnitTests;

/// <summary>The one cron dialect: five fields, or six with seconds first; schedules read in a time zone; errors name the setting and the text.</summary>
public sealed class CronTextTests
{
    // 2026-03-01 is a Sunday; 2026-03-29 is the last Sunday of March, when Europe/Berlin moves from CET (+1) to CEST (+2).
    private static readonly DateTime Sunday = new(2026, 3, 1, 9, 31, 15, DateTimeKind.Utc);

    [Theory]
    [InlineData("*/10 * * * *", "2026-03-01T09:40:00Z")]
    [InlineData("* * * * *", "2026-03-01T09:32:00Z")]
    [InlineData("0 * * * *", "2026-03-01T10:00:00Z")]
    [InlineData("31 9 * * *", "2026-03-02T09:31:00Z")]
    [InlineData("0 7 * * 1-5", "2026-03-02T07:00:00Z")]
    [InlineData("15 8 1 * *", "2026-04-01T08:15:00Z")]
    [InlineData("0 0 29 2 *", "2028-02-29T00:00:00Z")]
    public void Five_fields_are_minute_hour_day_month_weekday(string cron, string next)
    {
        Assert.Equal(Utc(next), CronText.Parse(cron).GetNextOccurrence(Sunday));
    }

    [Theory]
    [InlineData("30 */5 * * * *", "2026-03-01T09:35:30Z")]
    [InlineData("*/20 * * * * *", "2026-03-01T09:31:20Z")]
    [InlineData("0 0 12 * * *", "2026-03-01T12:00:00Z")]
    public void Six_fields_put_seconds_first(string cron, string next)
    {
        Assert.Equal(Utc(next), CronText.Parse(cron).GetNextOccurrence(Sunday));
    }

    [Fact]
    public void Extra_spaces_between_fields_do_not_change_the_dialect()
    {
        Assert.Equal(Utc("2026-03-01T09:35:30Z"), CronText.Parse("30  */5 * *  * *").GetNextOccurrence(Sunday));
    }

    [Fact]
    public void The_next_occurrence_is_after_the_present_not_at_it()
    {
        var onTheHour = new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc);

        Assert.Equal(onTheHour.AddHours(1), CronText.Parse("0 * * * *").GetNextOccurrence(onTheHour));
    }

    [Theory]
    [InlineData("2026-03-01T00:00:00Z", "2026-03-01T06:00:00Z")] // 07:00 CET
    [InlineData("2026-03-30T00:00:00Z", "2026-03-30T05:00:00Z")] // 07:00 CEST
    [InlineData("2026-10-25T00:00:00Z", "2026-10-25T06:00:00Z")] // back to CET that night
    public void A_schedule_is_read_in_its_time_zone(string from, string next)
    {
        var berlin = CronText.FindTimeZone("Europe/Berlin", "schedule.time_zone");

        Assert.Equal(Utc(next), CronText.Parse("0 7 * * *").GetNextOccurrence(Utc(from), berlin));
    }

    [Fact]
    public void A_time_the_clock_skips_runs_at_the_jump_and_a_time_it_repeats_runs_once()
    {
        var berlin = CronText.FindTimeZone("Europe/Berlin", "schedule.time_zone");
        var halfPastTwo = CronText.Parse("30 2 * * *");

        // 2026-03-29 02:00 CET jumps to 03:00 CEST (01:00 UTC): 02:30 does not exist that night.
        Assert.Equal(Utc("2026-03-29T01:00:00Z"), halfPastTwo.GetNextOccurrence(Utc("2026-03-28T12:00:00Z"), berlin));
        // 2026-10-25 03:00 CEST goes back to 02:00 CET: 02:30 happens at 00:30 and at 01:30 UTC, and the job runs at the first.
        var first = halfPastTwo.GetNextOccurrence(Utc("2026-10-24T12:00:00Z"), berlin);
        Assert.Equal(Utc("2026-10-25T00:30:00Z"), first);
        Assert.Equal(Utc("2026-10-26T01:30:00Z"), halfPastTwo.GetNextOccurrence(first!.Value, berlin));
    }

    [Theory]
    [InlineData("* * * *")]
    [InlineData("* * * * * * *")]
    [InlineData("61 * * * *")]
    [InlineData("* 24 * * *")]
    [InlineData("0 0 32 * *")]
    [InlineData("every day")]
    [InlineData("")]
    public void Invalid_text_is_a_cron_format_error(string cron)
    {
        Assert.Throws<CronFormatException>(() => CronText.Parse(cron));
    }

    [Fact]
    public void An_invalid_schedule_names_the_setting_and_the_text()
    {
        var error = Assert.Throws<ConfigurationException>(() => CronText.Parse("61 * * * *", "schedule.tests (strata.yml:3:10)"));

        Assert.StartsWith("schedule.tests (strata.yml:3:10): cron '61 * * * *' is not valid (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("write it like \"*/10 * * * *\", or off", error.Message, StringComparison.Ordinal);
        Assert.IsType<CronFormatException>(error.InnerException);
    }

    [Fact]
    public void An_unknown_time_zone_names_the_setting_and_the_zone()
    {
        var error = Assert.Throws<ConfigurationException>(() => CronText.FindTimeZone("Europe/Atlantis", "schedule.time_zone (env STRATA_SCHEDULE_TIME_ZONE)"));

        Assert.StartsWith("schedule.time_zone (env STRATA_SCHEDULE_TIME_ZONE): time zone 'Europe/Atlantis' is unknown", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_runs_at_its_occurrence_on_the_hosts_clock_not_before()
    {
        var clock = new SignallingClock(Sunday);
        var warehouse = new RecordingWarehouse();
        var ran = new List<DateTimeOffset>();
        var runs = Channel();
        var job = new ScheduledJob("tests", "*/10 * * * *", CronText.Parse("*/10 * * * *"), TimeZoneInfo.Utc, [], _ =>
        {
            ran.Add(clock.GetUtcNow());
            runs.Release();
            return Task.FromResult(JobOutcome.Success("7 tests: 7 passed"));
        });
        using var scheduler = new JobScheduler([job], new PlatformState(), new JobHistory(warehouse), NullConsole.Instance, clock);

        await scheduler.StartAsync(CancellationToken.None);
        await clock.NextTimerAsync();
        clock.Advance(new TimeSpan(0, 8, 44)); // 09:39:59
        Assert.Empty(ran);
        var second = clock.NextTimerAsync();
        clock.Advance(TimeSpan.FromSeconds(1)); // 09:40:00
        Assert.True(await runs.WaitAsync(TimeSpan.FromSeconds(10)), "the job did not run");
        await second.WaitAsync(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromMinutes(10)); // 09:50:00
        Assert.True(await runs.WaitAsync(TimeSpan.FromSeconds(10)), "the job did not run");
        await scheduler.StopAsync(CancellationToken.None);

        Assert.Equal([Utc("2026-03-01T09:40:00Z"), Utc("2026-03-01T09:50:00Z")], ran.Select(t => t.UtcDateTime));
        Assert.Equal(2, warehouse.Statements.Count);
        Assert.All(warehouse.Statements, s =>
        {
            Assert.StartsWith("INSERT INTO \"_strata\".\"runs\"", s.Sql, StringComparison.Ordinal);
            Assert.Equal(["tests", "schedule", "success", 1L], s.Parameters.Take(4));
            Assert.Equal("7 tests: 7 passed", s.Parameters[6]);
        });
    }

    [Fact]
    public async Task A_failing_job_is_recorded_and_tried_again_at_its_next_occurrence()
    {
        var clock = new SignallingClock(Sunday);
        var warehouse = new RecordingWarehouse();
        var runs = Channel();
        var job = new ScheduledJob("freshness", "* * * * *", CronText.Parse("* * * * *"), TimeZoneInfo.Utc, [], _ =>
        {
            runs.Release();
            throw new ConfigurationException("no sources.yml");
        });
        var console = new RecordingConsole();
        using var scheduler = new JobScheduler([job], new PlatformState(), new JobHistory(warehouse), console, clock);

        await scheduler.StartAsync(CancellationToken.None);
        await clock.NextTimerAsync();
        var second = clock.NextTimerAsync();
        clock.Advance(TimeSpan.FromSeconds(45)); // 09:32:00
        Assert.True(await runs.WaitAsync(TimeSpan.FromSeconds(10)), "the job did not run");
        await second.WaitAsync(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await runs.WaitAsync(TimeSpan.FromSeconds(10)), "the job did not run");
        await scheduler.StopAsync(CancellationToken.None);

        Assert.Equal(2, warehouse.Statements.Count);
        Assert.All(warehouse.Statements, s =>
        {
            Assert.Equal(["freshness", "schedule", "failed", 1L], s.Parameters.Take(4));
            Assert.Equal("no sources.yml", s.Parameters[7]);
        });
        Assert.Contains(console.Errors, e => e.Contains("job freshness failed after 1 attempt(s): no sources.yml", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_waits_for_what_it_needs_before_its_first_occurrence()
    {
        var clock = new SignallingClock(Sunday);
        var state = new PlatformState();
        var ran = new List<DateTimeOffset>();
        var runs = Channel();
        var job = new ScheduledJob("reconcile", "0 * * * *", CronText.Parse("0 * * * *"), TimeZoneInfo.Utc, ["ingestion"], _ =>
        {
            ran.Add(clock.GetUtcNow());
            runs.Release();
            return Task.FromResult(JobOutcome.Success("equal"));
        });
        using var scheduler = new JobScheduler([job], state, new JobHistory(new RecordingWarehouse()), NullConsole.Instance, clock);

        await scheduler.StartAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(2)); // 11:31:15, past 10:00 and 11:00: ingestion has not got that far
        var timer = clock.NextTimerAsync();
        state.Reached("ingestion");
        await timer;
        clock.Advance(new TimeSpan(0, 28, 45)); // 12:00:00
        Assert.True(await runs.WaitAsync(TimeSpan.FromSeconds(10)), "the job did not run");
        await scheduler.StopAsync(CancellationToken.None);

        Assert.Equal([Utc("2026-03-01T12:00:00Z")], ran.Select(t => t.UtcDateTime));
    }

    private static DateTime Utc(string text) =>
        DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);

    private static SemaphoreSlim Channel() => new(0);

    /// <summary>A fake clock that says when someone starts waiting on it, so the test advances it only once the wait is set.</summary>
    private sealed class SignallingClock(DateTime start) : FakeTimeProvider(new DateTimeOffset(start))
    {
        private readonly SemaphoreSlim _timers = new(0);

        public Task NextTimerAsync() => _timers.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(t =>
            Assert.True(t.Result, "nobody waited on the clock"), TaskScheduler.Default);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _timers.Release();
            return timer;
        }
    }
}
