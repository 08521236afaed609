using Strata.Infra.Catalog;

namespace Strata.Infra.Snowflake;

/// <summary>
/// The Snowflake half of a plan: what <see cref="ISnowflakeShow"/> reads, diffed against the declaration, as statements.
/// Running them is the adapter's (its SQL API client); this class never connects.
/// </summary>
/// <param name="show">Reads the account.</param>
/// <param name="declaration">infra.yml's <c>snowflake:</c> section.</param>
/// <param name="target">The database and user strata.yml configures (the declaration's defaults).</param>
public sealed class SnowflakePlanner(ISnowflakeShow show, SnowflakeDeclaration declaration, SnowflakeTarget target)
{
    /// <summary>The <see cref="PlannedChange.Part"/> of its changes.</summary>
    public const string Part = "snowflake";

    /// <summary>The changes, in the order they must run.</summary>
    public async Task<IReadOnlyList<PlannedChange>> PlanAsync(bool prune, CancellationToken cancellationToken = default)
    {
        var completed = SnowflakeDefaults.Complete(declaration, target);
        var live = await new SnowflakeCatalogReader(show).ReadAsync(completed, prune, cancellationToken);
        var dialect = new SnowflakeDialect();
        return [.. CatalogDiff.Compute(SnowflakeDesiredState.Build(completed, live), live, prune)
            .Select(c => new PlannedChange(Part, c.Action, c.Subject, c.Done, dialect.Statements(c)))];
    }
}
