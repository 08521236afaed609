namespace Strata.Infra;

/// <summary>What <c>strata infra plan</c> found: the changes in the order apply runs them, and one-line notes (what is not managed, and why).</summary>
/// <param name="Changes">The changes; empty means the servers match the declaration.</param>
/// <param name="Notes">E.g. "warehouse: DuckDB is one file with no roles".</param>
public sealed record InfraPlan(IReadOnlyList<PlannedChange> Changes, IReadOnlyList<string> Notes)
{
    /// <summary>True when there is nothing to do.</summary>
    public bool IsEmpty => Changes.Count == 0;
}
