using Strata.Host.Jobs;
using Strata.Transform.History;
using Strata.Warehouse;

namespace Strata.Host.Web;

/// <summary>What the dashboard's overview and <c>strata status</c> show.</summary>
public sealed record Overview(
    IReadOnlyDictionary<string, WorkerStatus> Workers,
    SlotLag? Slot,
    int TransformationRuns,
    double? GoldFreshnessSeconds,
    IReadOnlyList<FreshnessPoint> FreshnessLastHour,
    Percentiles VisibilityLastHour,
    IReadOnlyDictionary<string, double> ModelFreshnessSeconds,
    IReadOnlyList<JobRun> LastJobs,
    IReadOnlyList<RecentModelRun> LastRuns,
    IReadOnlyList<FailingTest> FailingTests,
    IReadOnlyList<string> QuarantinedTables,
    string GoldStatus,
    IReadOnlyList<string> Problems,
    IReadOnlyList<Alerts.Alert> Alerts)
{
    internal static async Task<Overview> ReadAsync(PlatformState state, IWarehouse warehouse, JobHistory history, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var samples = state.Freshness.ToArray();
        return new Overview(
            state.Workers.Read(),
            state.Slot,
            state.Runs,
            state.GoldAgeSeconds(now) ?? (samples.Length == 0 ? null : samples[^1].Seconds),
            samples.Where(s => s.At > now.AddHours(-1)).Select(s => new FreshnessPoint(s.At, s.Seconds)).ToList(),
            Percentiles.Of(state.Visibility.Where(s => s.At > now.AddHours(-1)).Select(s => s.Seconds).ToList()),
            state.AgesSeconds(now),
            await history.ReadAsync(10, cancellationToken),
            (await new RunHistory(warehouse).RecentModelRunsAsync(20, cancellationToken))
                .Select(r => new RecentModelRun(r.Model, r.Status, r.RowsChanged, r.StartedAt, r.DurationMs, r.Error)).ToList(),
            (await new TestHistory(warehouse).FailingInNewestRunAsync(cancellationToken))
                .Select(t => new FailingTest(t.Test, t.Model, t.Severity, t.Status, t.Failures, t.Sample)).ToList(),
            state.Quarantined,
            state.GoldStatus(now),
            Health.Of(state, now).Select(p => p.Message).ToList(),
            state.Alerts);
    }
}

/// <summary>A model run among the overview's newest.</summary>
/// <param name="Model">The model.</param>
/// <param name="Status"><c>success</c>, <c>error</c> or <c>skipped</c>.</param>
/// <param name="RowsChanged">Rows written, when known.</param>
/// <param name="StartedAt">Start (UTC).</param>
/// <param name="DurationMs">How long it took, in milliseconds.</param>
/// <param name="Error">One line, for errors and skips.</param>
public sealed record RecentModelRun(string Model, string Status, long? RowsChanged, DateTime StartedAt, long? DurationMs, string? Error);

/// <summary>A test the newest run found failing, erroring or warning.</summary>
/// <param name="Test">The test.</param>
/// <param name="Model">The model it tests, if any.</param>
/// <param name="Severity"><c>error</c> or <c>warn</c>.</param>
/// <param name="Status"><c>fail</c>, <c>error</c> or <c>warn</c>.</param>
/// <param name="Failures">Failing rows.</param>
/// <param name="Sample">A few of them, as text.</param>
public sealed record FailingTest(string Test, string? Model, string Severity, string Status, long? Failures, string? Sample);

/// <summary>One freshness sample.</summary>
/// <param name="At">When (UTC).</param>
/// <param name="Seconds">How far gold was behind the source.</param>
public sealed record FreshnessPoint(DateTime At, double Seconds);

/// <summary>p50/p95/p99 of samples (nearest rank), with how many there were.</summary>
/// <param name="Samples">How many.</param>
/// <param name="P50">Median.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="P99">99th percentile.</param>
public sealed record Percentiles(int Samples, double? P50, double? P95, double? P99)
{
    /// <summary>The percentiles of <paramref name="values"/>.</summary>
    public static Percentiles Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToList();
        double? Rank(double p) => sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        return new Percentiles(sorted.Count, Rank(0.50), Rank(0.95), Rank(0.99));
    }
}
