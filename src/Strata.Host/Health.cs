namespace Strata.Host;

/// <summary>
/// What is wrong with the host right now, in one list: the overview's banner, <c>/readyz</c>, <c>strata status</c>
/// and the alert rules all read it, so they say the same thing in the same words.
/// </summary>
public static class Health
{
    /// <summary>The problems at <paramref name="now"/>, most important first.</summary>
    public static IReadOnlyList<HealthProblem> Of(PlatformState state, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var problems = new List<HealthProblem>();
        if (state.GoldAgeSeconds(now) is { } age && age > state.WarnAfter.TotalSeconds)
        {
            var error = age > state.ErrorAfter.TotalSeconds;
            problems.Add(new HealthProblem(Rules.GoldAge, "gold",
                $"gold is {age:0} s old (past {(error ? "freshness.error_after" : "freshness.warn_after")} {(error ? state.ErrorAfter : state.WarnAfter).TotalSeconds:0} s)" +
                (state.GoldProblem is { } why ? $": {why}" : ""), Blocking: error));
        }
        else if (state.GoldProblem is { } why)
        {
            problems.Add(new HealthProblem(Rules.GoldHeld, "gold", why, Blocking: false));
        }

        foreach (var (name, status) in state.Workers.Read().Where(w => w.Value.IsProblem))
        {
            problems.Add(new HealthProblem(status.State == WorkerStatus.Starting ? Rules.WorkerStarting : Rules.Worker, name, $"{name} {status}", Blocking: true));
        }

        if (state.Slot is { State: not "active" } slot && !slot.State.StartsWith("unreachable", StringComparison.Ordinal))
        {
            problems.Add(new HealthProblem(Rules.ReplicationSlot, "slot", $"replication slot is {slot.State}", Blocking: true));
        }

        if (state.Slot is { LagBytes: { } lag } && lag > state.ReplicationLagLimitBytes)
        {
            problems.Add(new HealthProblem(Rules.ReplicationLag, "slot",
                $"replication lag is {lag / 1048576.0:0} MiB, past alerts.replication_lag_mb {state.ReplicationLagLimitBytes / 1048576} MiB", Blocking: false));
        }

        problems.AddRange(state.Quarantined.Select(table =>
            new HealthProblem(Rules.Quarantine, table, $"{table} is quarantined (fix the value, then strata ingest --resync {table})", Blocking: true)));
        problems.AddRange(state.FailingTests.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new HealthProblem(Rules.TestFailed, t.Key, t.Value, Blocking: false)));
        problems.AddRange(state.FailedDeliveries.OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new HealthProblem(Rules.DeliveryFailed, d.Key, $"{d.Key} delivery failed: {d.Value}", Blocking: false)));
        if (state.Runs == 0)
        {
            problems.Add(new HealthProblem(Rules.NoRun, "transformation", "no transformation run yet", Blocking: true));
        }

        return problems;
    }

    /// <summary>The kinds of problem; each alert rule watches one.</summary>
    public static class Rules
    {
        /// <summary>Gold older than <c>freshness.warn_after</c> (blocking past <c>error_after</c>).</summary>
        public const string GoldAge = "gold_age";

        /// <summary>Gold relations not rebuilt by the last run, while gold is not yet too old.</summary>
        public const string GoldHeld = "gold_held";

        /// <summary>A worker degraded or failed.</summary>
        public const string Worker = "worker";

        /// <summary>A worker starting (not ready yet, but nothing to alert on).</summary>
        public const string WorkerStarting = "worker_starting";

        /// <summary>The replication slot missing, lost or inactive.</summary>
        public const string ReplicationSlot = "replication_slot";

        /// <summary>WAL held by the slot past <c>alerts.replication_lag_mb</c>.</summary>
        public const string ReplicationLag = "replication_lag";

        /// <summary>A quarantined source table.</summary>
        public const string Quarantine = "quarantine";

        /// <summary>A failing test of severity error.</summary>
        public const string TestFailed = "test_failed";

        /// <summary>A report delivery that failed after its retries.</summary>
        public const string DeliveryFailed = "delivery_failed";

        /// <summary>No transformation run has finished yet.</summary>
        public const string NoRun = "no_run";
    }
}

/// <summary>One problem.</summary>
/// <param name="Rule">Its kind (<see cref="Health.Rules"/>).</param>
/// <param name="Subject">What it is about: a worker, a table, a test, a report job, <c>gold</c>, <c>slot</c>.</param>
/// <param name="Message">What is wrong and, where there is one, what to do.</param>
/// <param name="Blocking">Whether it makes <c>/readyz</c> not ready.</param>
public sealed record HealthProblem(string Rule, string Subject, string Message, bool Blocking);
