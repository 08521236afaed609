using Strata.Warehouse;
using Strata.Warehouse.Metadata;

namespace Strata.Transform.History;

/// <summary>
/// Reads <c>_strata.test_results</c>, which the transformation writes: each test's latest result and its streak, what
/// the newest run found wrong. Empty before the first test ran.
/// </summary>
public sealed class TestHistory(IWarehouse warehouse)
{
    private static readonly StrataTable Table = StrataSchema.TestResults;

    /// <summary>Each test's latest result, by test name.</summary>
    public Task<IReadOnlyList<TestResultRecord>> LatestResultPerTestAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(HistoryQuery.NewestPerSql(warehouse, Table, "test", 1, "test"), cancellationToken);

    /// <summary>The results of the newest run that did not pass (<c>fail</c>, <c>error</c>, <c>warn</c>), by test name.</summary>
    public Task<IReadOnlyList<TestResultRecord>> FailingInNewestRunAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(Table.SelectSql(warehouse,
            $"WHERE status IN ('fail', 'error', 'warn') AND run_id = (SELECT max(run_id) FROM {Table.Qualified(warehouse)}) ORDER BY test"), cancellationToken);

    /// <summary>
    /// Each test's latest result with how long it has held, by test name. Only a test's <paramref name="streakLimit"/>
    /// newest results are read, so a longer streak counts as that many runs.
    /// </summary>
    public async Task<IReadOnlyList<TestStreak>> TestStreaksAsync(int streakLimit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(streakLimit, 1);
        var results = await ReadAsync(HistoryQuery.NewestPerSql(warehouse, Table, "test", streakLimit, "test, started_at DESC"), cancellationToken);
        return results.GroupBy(r => r.Test, StringComparer.Ordinal).Select(newestFirst =>
        {
            var latest = newestFirst.First();
            var streak = newestFirst.TakeWhile(r => r.Status == latest.Status).ToList();
            return new TestStreak(latest.Test, latest.Model, latest.Severity, latest.Status, latest.Failures, latest.Sample, latest.Error,
                latest.StartedAt, streak[^1].StartedAt, streak.Count);
        }).ToList();
    }

    private Task<IReadOnlyList<TestResultRecord>> ReadAsync(string sql, CancellationToken cancellationToken) =>
        HistoryQuery.ReadAsync(warehouse, Table, sql, null, r => new TestResultRecord(
            r.Text("run_id"), r.Text("test"), r.OptionalText("model"), r.Text("severity"), r.Text("status"), r.Long("failures"), r.OptionalText("sample"),
            r.Utc("started_at"), r.Long("duration_ms"), r.OptionalText("error")), cancellationToken);
}
