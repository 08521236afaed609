using System.Globalization;
using Strata.Warehouse;

namespace Strata.Host.Web;

/// <summary>
/// One test as the tests page shows it: its latest result and how long that has held ("failing since 08:49:45,
/// 14 runs"), from <c>_strata.test_results</c>.
/// </summary>
/// <param name="Test">The test.</param>
/// <param name="Model">The model it tests, if any.</param>
/// <param name="Severity"><c>error</c> or <c>warn</c>.</param>
/// <param name="Status">Latest status: <c>pass</c>, <c>fail</c>, <c>warn</c> or <c>error</c>.</param>
/// <param name="Failures">Failing rows in the latest run.</param>
/// <param name="Sample">A sample of them.</param>
/// <param name="Error">Why the latest run could not run the test, if it could not.</param>
/// <param name="LastRunAt">When it last ran (UTC).</param>
/// <param name="Since">When the latest status began: the first run of the current streak (UTC).</param>
/// <param name="Runs">Runs in the current streak (at most <see cref="StreakLimit"/>).</param>
public sealed record TestSummary(
    string Test, string? Model, string Severity, string Status, long? Failures, string? Sample, string? Error, DateTime LastRunAt, DateTime Since, int Runs)
{
    /// <summary>How many of a test's newest results are read: a longer streak reads as this many runs.</summary>
    public const int StreakLimit = 500;

    internal static async Task<IReadOnlyList<TestSummary>> ReadAsync(IWarehouse warehouse, CancellationToken cancellationToken)
    {
        var rows = await Rows.ReadAsync(warehouse,
            "SELECT test, model, severity, status, failures, sample, error, started_at FROM (SELECT *, row_number() OVER (PARTITION BY test ORDER BY started_at DESC) AS newest " +
            $"FROM _strata.test_results) AS t WHERE newest <= {StreakLimit} ORDER BY test, started_at DESC", cancellationToken);
        return rows.GroupBy(r => (string)r["test"]!, StringComparer.Ordinal).Select(results =>
        {
            var latest = results.First();
            var streak = results.TakeWhile(r => Equals(r["status"], latest["status"])).ToList();
            return new TestSummary(results.Key, (string?)latest["model"], (string)latest["severity"]!, (string)latest["status"]!,
                latest["failures"] is { } failures ? Convert.ToInt64(failures, CultureInfo.InvariantCulture) : null,
                (string?)latest["sample"], (string?)latest["error"], (DateTime)latest["started_at"]!, (DateTime)streak[^1]["started_at"]!, streak.Count);
        })
        .OrderBy(t => t.Status switch { "fail" or "error" => 0, "warn" => 1, _ => 2 })
        .ThenBy(t => t.Test, StringComparer.Ordinal)
        .ToList();
    }
}
