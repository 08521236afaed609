using Microsoft.Extensions.Time.Testing;
using Strata.Host;
using Strata.Transform.Execution;

namespace Strata.UnitTests;

/// <summary>The line <c>strata up</c> keeps rewritten on a terminal, from a given state at a given time.</summary>
public sealed class StatusLineTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 13, 2, 20, DateTimeKind.Utc);

    /// <summary>A clock at <see cref="Now"/> whose local time is an hour ahead of UTC.</summary>
    private static FakeTimeProvider Clock()
    {
        var clock = new FakeTimeProvider(Now);
        clock.SetLocalTimeZone(TimeZoneInfo.CreateCustomTimeZone("UTC+1", TimeSpan.FromHours(1), "UTC+1", "UTC+1"));
        return clock;
    }

    /// <summary>Ingestion streaming, and one gold relation lacking the bronze changes of <paramref name="ageSeconds"/> ago.</summary>
    private static PlatformState Streaming(double ageSeconds)
    {
        var state = new PlatformState { GoldRelations = ["rpt_open_orders"] };
        state.AsOf = new Dictionary<string, DataAsOf> { ["rpt_open_orders"] = new(100, Now.AddSeconds(-60)) };
        state.BronzeCommits.Enqueue((200, Now.AddSeconds(-ageSeconds)));
        state.Reached("ingestion");
        return state;
    }

    [Fact]
    public void A_healthy_host_shows_the_age_of_gold_the_lag_the_last_run_in_local_time_and_its_workers()
    {
        var state = Streaming(0.4);
        state.Slot = new SlotLag("active", 12 * 1024, 0.1, Now);
        state.LastRun = new TransformRunInfo(new DateTime(2026, 12, 1, 13, 2, 11, DateTimeKind.Utc), 8, 0.213, 0);
        foreach (var worker in new[] { "ingestion", "transformation", "workload" })
        {
            state.Workers.Healthy(worker);
        }

        state.Workers.Starting("jobs");

        Assert.Equal("gold 0.4 s old · lag 12 KiB · last run 14:02:11 (8 models, 0.21 s) · 3 workers healthy", StatusLine.Text(state, Clock()));
    }

    [Fact]
    public void Before_the_first_build_it_says_what_the_host_waits_for()
    {
        var state = new PlatformState();
        state.Workers.Healthy("ingestion");
        Assert.Equal("taking the snapshot · no run yet · 1 worker healthy", StatusLine.Text(state, Clock()));

        state.Reached("ingestion");
        state.Slot = new SlotLag("inactive", 2048, null, Now);
        Assert.Equal("gold not built yet · lag 2 KiB, slot inactive · no run yet · 1 worker healthy", StatusLine.Text(state, Clock()));
    }

    [Fact]
    public void Trouble_shows_in_the_line_stale_gold_a_lost_slot_failures_and_quarantine()
    {
        var state = Streaming(90);
        state.Slot = new SlotLag("lost", null, null, Now);
        state.LastRun = new TransformRunInfo(new DateTime(2026, 12, 1, 13, 0, 0, DateTimeKind.Utc), 1, 2.54, 2);
        state.Workers.Failed("ingestion", "the slot is lost; restarting in 4 s");
        state.Workers.Healthy("transformation");
        state.Workers.Degraded("source", "unreachable: connection refused");
        state.Workers.Stopped("workload");
        state.Quarantined = ["operations.orders"];

        Assert.Equal(
            "gold 90 s old, past freshness.warn_after · slot lost · last run 14:00:00 (1 model, 2.5 s, 2 failed) · 1 worker healthy, source degraded, ingestion failed · 1 table quarantined",
            StatusLine.Text(state, Clock()));

        state.ErrorAfter = TimeSpan.FromSeconds(80);
        state.Slot = new SlotLag("unreachable: connection refused", null, null, Now);
        var line = StatusLine.Text(state, Clock());
        Assert.StartsWith("gold 90 s old, past freshness.error_after · source unreachable · ", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(0.213, "0.21 s")]
    [InlineData(4.26, "4.3 s")]
    [InlineData(75.4, "75 s")]
    [InlineData(600, "10 min")]
    [InlineData(3 * 3600, "3 h")]
    public void Durations_read_at_a_glance(double seconds, string expected) => Assert.Equal(expected, StatusLine.Duration(seconds));

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(200 * 1024, "200 KiB")]
    [InlineData(5L * 1024 * 1024 * 1024, "5 GiB")]
    public void Sizes_are_in_binary_units(long bytes, string expected) => Assert.Equal(expected, StatusLine.Bytes(bytes));
}
