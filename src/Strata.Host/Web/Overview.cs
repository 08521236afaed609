using Strata.Host.Jobs;
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
    IReadOnlyList<IReadOnlyDictionary<string, object?>> LastRuns,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> FailingTests,
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
            await Rows.ReadAsync(warehouse, "SELECT model, status, rows_changed, started_at, duration_ms, error FROM _strata.model_runs ORDER BY started_at DESC LIMIT 20", cancellationToken),
            await Rows.ReadAsync(warehouse,
                "SELECT test, model, severity, status, failures, sample FROM _strata.test_results WHERE status IN ('fail', 'error', 'warn') " +
                "AND run_id = (SELECT max(run_id) FROM _strata.test_results) ORDER BY test", cancellationToken),
            state.Quarantined,
            state.GoldStatus(now),
            Health.Of(state, now).Select(p => p.Message).ToList(),
            state.Alerts);
    }
}

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

/// <summary>Rows of the host's own bookkeeping queries, as name → value maps (for JSON and the pages).</summary>
internal static class Rows
{
    public static Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ReadAsync(IWarehouse warehouse, string sql, CancellationToken cancellationToken) =>
        ReadAsync(warehouse, sql, null, cancellationToken);

    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ReadAsync(
        IWarehouse warehouse, string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken)
    {
        try
        {
            var result = await warehouse.QueryAsync(sql, parameters, cancellationToken);
            // The bookkeeping tables hold UTC without a zone: say so, or a browser reads the times as its local time.
            return result.Select(r => (IReadOnlyDictionary<string, object?>)result.Columns
                .Select((c, i) => (c, v: r[i] is DateTime d ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : r[i]))
                .ToDictionary(p => p.c, p => p.v)).ToList();
        }
        catch (WarehouseException)
        {
            return []; // before the first run the tables do not exist
        }
    }
}
