using Strata.Reports.Definitions;
using Strata.Transform;
using Strata.Transform.History;
using Strata.Warehouse;

namespace Strata.Reports.Delivery;

/// <summary>How old the data of a report is, as the host measures it (the age of gold, per relation).</summary>
/// <param name="AgeOf">The age of the oldest of these relations; null when it is not known.</param>
/// <param name="MaxAge">The age past which the data is not fresh (<c>freshness.error_after</c>, read when it is needed).</param>
public sealed record DeliveryFreshness(Func<IReadOnlyList<string>, TimeSpan?> AgeOf, Func<TimeSpan> MaxAge);

/// <summary>Checks a schedule's conditions against the report's data: fresh, its tests passing, not empty.</summary>
internal static class DeliveryGate
{
    /// <summary>Why <paramref name="result"/> must not go out now, or null when it may.</summary>
    public static async Task<string?> WhyNotAsync(
        ReportResult result, DeliveryConditions conditions, DeliveryFreshness? freshness, TransformService transform, IWarehouse warehouse, CancellationToken cancellationToken)
    {
        if (conditions.OnlyIfFresh is not null && Stale(result, freshness) is { } stale)
        {
            return stale;
        }

        if (conditions.OnlyIfTestsPass && await FailingTestsAsync(result, transform, warehouse, cancellationToken) is { Count: > 0 } failing)
        {
            return $"only_if_tests_pass: {string.Join(", ", failing.Take(3))}{(failing.Count > 3 ? $" and {failing.Count - 3} more" : "")} {(failing.Count == 1 ? "fails" : "fail")}";
        }

        return conditions.SkipIfEmpty && result.Rows.Count == 0 ? "skip_if_empty: the report has no rows" : null;
    }

    /// <summary>Why the data is not fresh, or null when it is (or its age is not known, outside the host).</summary>
    public static string? Stale(ReportResult result, DeliveryFreshness? freshness) =>
        freshness?.AgeOf(result.Relations) is { } age && freshness.MaxAge() is var max && age > max
            ? $"only_if_fresh: its data is {age.TotalSeconds:0} s old, past freshness.error_after {max.TotalSeconds:0} s"
            : null;

    /// <summary>Tests of severity error whose latest run failed, on the report's models or upstream of them.</summary>
    private static async Task<List<string>> FailingTestsAsync(ReportResult result, TransformService transform, IWarehouse warehouse, CancellationToken cancellationToken)
    {
        var models = new HashSet<string>(result.Relations, StringComparer.Ordinal);
        foreach (var relation in result.Relations)
        {
            models.UnionWith(transform.Graph.Ancestors(relation));
        }

        var latest = await new TestHistory(warehouse).LatestResultPerTestAsync(cancellationToken);
        return latest.Where(t => t.Blocks && t.Model is { } model && models.Contains(model)).Select(t => $"test {t.Test} on {t.Model}").ToList();
    }
}
