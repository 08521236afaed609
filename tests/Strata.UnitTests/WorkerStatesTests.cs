using Microsoft.Extensions.Time.Testing;
using Strata.Host;

namespace Strata.UnitTests;

/// <summary>The worker state machine: states follow what the worker last did, and a silent healthy worker reads as degraded.</summary>
public sealed class WorkerStatesTests
{
    [Fact]
    public void A_healthy_worker_that_stops_beating_reads_as_degraded_and_recovers_with_its_next_beat()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        var workers = new WorkerStates(clock);
        workers.Expect("workload", TimeSpan.FromSeconds(130), "write to the source");
        Assert.Equal(WorkerStatus.Starting, workers["workload"]!.State);

        workers.Healthy("workload", "writing");
        var since = workers["workload"]!.Since;
        clock.Advance(TimeSpan.FromSeconds(100));
        workers.Healthy("workload", "writing");
        Assert.Equal(since, workers["workload"]!.Since); // a beat keeps the state's start

        clock.Advance(TimeSpan.FromSeconds(131));
        var silent = workers["workload"]!;
        Assert.Equal(WorkerStatus.Degraded, silent.State);
        Assert.Equal("no write to the source for 131 s (expected within 130 s)", silent.Detail);
        Assert.True(silent.IsProblem);
        Assert.Equal(WorkerStatus.Degraded, workers.Read()["workload"].State);

        workers.Healthy("workload", "writing");
        Assert.Equal(WorkerStatus.Healthy, workers["workload"]!.State);
    }

    [Fact]
    public void Failed_and_stopped_are_kept_as_set_and_only_stopped_is_not_a_problem()
    {
        var clock = new FakeTimeProvider();
        var workers = new WorkerStates(clock);
        workers.Expect("ingestion", TimeSpan.FromSeconds(45));
        workers.Failed("ingestion", "replication slot strata_finance is missing; restarting in 4 s");
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("failed: replication slot strata_finance is missing; restarting in 4 s", workers["ingestion"]!.ToString());

        workers.Stopped("ingestion");
        Assert.False(workers["ingestion"]!.IsProblem);
        Assert.Null(workers["other"]);
    }

    [Fact]
    public void Health_names_each_problem_once_and_only_blocking_ones_stop_readiness()
    {
        var now = new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);
        var state = new PlatformState(new FakeTimeProvider(now)) { Runs = 3, Quarantined = ["operations.orders"] };
        state.Workers.Healthy("ingestion", "streaming");
        state.Workers.Degraded("source", "unreachable: connection refused");
        state.FailingTests["accepted_values_orders_status"] = "test accepted_values_orders_status on stg_orders fails (2 failing rows)";
        state.Slot = new SlotLag("active", 6L * 1024 * 1024 * 1024, 0.2, now);

        var problems = Health.Of(state, now);

        Assert.Equal(
            [(Health.Rules.Worker, "source", true), (Health.Rules.ReplicationLag, "slot", false), (Health.Rules.Quarantine, "operations.orders", true),
             (Health.Rules.TestFailed, "accepted_values_orders_status", false)],
            problems.Select(p => (p.Rule, p.Subject, p.Blocking)));
        Assert.Equal("source degraded: unreachable: connection refused", problems[0].Message);
    }
}
