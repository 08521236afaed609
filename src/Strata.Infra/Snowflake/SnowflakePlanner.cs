using Strata.Infra.Catalog;
using Strata.Infra.Postgres;
using Strata.Warehouse.Metadata;

namespace Strata.Infra.Snowflake;

/// <summary>
/// The Snowflake half of a plan: what <see cref="ISnowflakeShow"/> reads, diffed against the declaration, as statements.
/// Running them is the adapter's (its SQL API client); this class never connects.
/// </summary>
/// <param name="show">Reads the account.</param>
/// <param name="declaration">infra.yml's <c>snowflake:</c> section.</param>
/// <param name="target">The database and user strata.yml configures (the declaration's defaults).</param>
/// <param name="ensureMetadata">
/// Creates or migrates <c>_STRATA</c>'s tables through the warehouse adapter as the configured (admin) role; null
/// leaves them out of the plan.
/// </param>
public sealed class SnowflakePlanner(ISnowflakeShow show, SnowflakeDeclaration declaration, SnowflakeTarget target, Func<CancellationToken, Task>? ensureMetadata = null)
{
    /// <summary>The <see cref="PlannedChange.Part"/> of its changes.</summary>
    public const string Part = "snowflake";

    /// <summary>The changes, in the order they must run.</summary>
    public async Task<IReadOnlyList<PlannedChange>> PlanAsync(bool prune, CancellationToken cancellationToken = default)
    {
        var completed = SnowflakeDefaults.Complete(declaration, target);
        var reader = new SnowflakeCatalogReader(show);
        var live = await reader.ReadAsync(completed, prune, cancellationToken);
        var dialect = new SnowflakeDialect();
        var changes = CatalogDiff.Compute(SnowflakeDesiredState.Build(completed, live), live, prune)
            .Select(c => new PlannedChange(Part, c.Action, c.Subject, c.Done, dialect.Statements(c))).ToList();

        if (ensureMetadata is not null && await MetadataChangeAsync(reader, completed, live, cancellationToken) is { } metadata)
        {
            // After the schema exists, before the grants on its tables.
            var grants = changes.FindIndex(c => c.Action is ChangeAction.Revoke or ChangeAction.Grant);
            changes.Insert(grants < 0 ? changes.Count : grants, metadata);
        }

        return changes;
    }

    /// <summary>
    /// Creating or migrating Strata's metadata tables, when the schema is declared and a table is missing or an older
    /// Strata wrote them: the parts' roles may not create tables there (each owning its own would lock the others out).
    /// </summary>
    private async Task<PlannedChange?> MetadataChangeAsync(SnowflakeCatalogReader reader, SnowflakeDeclaration completed, CatalogState live, CancellationToken cancellationToken)
    {
        var schema = SnowflakeNames.Qualified($"{completed.Database}.{SnowflakeDefaults.MetadataSchema}");
        if (!completed.Schemas.Any(s => SnowflakeNames.Name(s) == SnowflakeDefaults.MetadataSchema))
        {
            return null;
        }

        var exists = live.Objects.Any(o => o.Key == (ObjectKinds.Schema, schema));
        var (tables, version) = exists ? await reader.MetadataAsync(schema, cancellationToken) : (new HashSet<string>(), null);
        if (version >= StrataSchema.Version && MetadataAccess.Tables.All(t => tables.Contains(t.ToUpperInvariant())))
        {
            return null;
        }

        return new PlannedChange(Part, ChangeAction.Create, $"Strata's metadata tables in {schema} (version {StrataSchema.Version})",
            $"created Strata's metadata tables in {schema}", []) { Run = ensureMetadata };
    }
}
