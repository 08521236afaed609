using Strata.Warehouse.Metadata;

namespace Strata.Infra.Postgres;

/// <summary>
/// Which part may read and write which table of the <c>_strata</c> schema: each writes its own records, reads what
/// it shows or needs, and nothing else (the reports login cannot see the quarantine's copies of source rows).
/// Transformation's login is also the host's (<c>strata up</c>), so it keeps the host's records too.
/// </summary>
internal static class MetadataAccess
{
    public const string SchemaVersionTable = "schema_version";

    private static readonly string[] Write = ["SELECT", "INSERT", "UPDATE", "DELETE"];
    private static readonly string[] Read = ["SELECT"];

    private static readonly string[] IngestionTables =
        [StrataSchema.Checkpoints.Name, StrataSchema.Snapshots.Name, StrataSchema.SnapshotRanges.Name, StrataSchema.BronzeColumns.Name, StrataSchema.WarehouseIdentity.Name, StrataSchema.Quarantine.Name];

    private static readonly string[] TransformationTables =
        [StrataSchema.ModelState.Name, StrataSchema.ModelRuns.Name, StrataSchema.TestResults.Name, StrataSchema.ModelAsOf.Name, StrataSchema.Seeds.Name];

    private static readonly string[] HostTables = [StrataSchema.Runs.Name, StrataSchema.Alerts.Name, StrataSchema.ReportDeliveries.Name];

    /// <summary>Every table the schema has once migrated.</summary>
    public static IReadOnlyList<string> Tables { get; } = [SchemaVersionTable, .. StrataSchema.All.Select(t => t.Name)];

    /// <summary>(table, privilege) pairs <paramref name="part"/> gets.</summary>
    public static IEnumerable<(string Table, string Privilege)> Of(string part)
    {
        IEnumerable<(string[] Tables, string[] Privileges)> access = part switch
        {
            WarehouseParts.Ingestion => [(IngestionTables, Write)],
            // In strata up the host runs as transformation's login: it also records the jobs' runs, alerts and report
            // deliveries, and its dashboard shows every table.
            WarehouseParts.Transformation => [(TransformationTables, Write), (HostTables, Write), ([.. Tables.Except(TransformationTables).Except(HostTables)], Read)],
            WarehouseParts.Reports => [([StrataSchema.ReportDeliveries.Name], Write), ([StrataSchema.ModelAsOf.Name], Read)],
            WarehouseParts.Dashboard => [([StrataSchema.Runs.Name, StrataSchema.Alerts.Name], Write), ([.. Tables.Except([StrataSchema.Runs.Name, StrataSchema.Alerts.Name])], Read)],
            _ => [],
        };

        // Every part reads the schema version: opening the warehouse checks it was not written by a newer Strata.
        var pairs = access.SelectMany(a => a.Tables.SelectMany(t => a.Privileges.Select(p => (t, p))));
        return part == WarehouseParts.Analyst ? [] : pairs.Append((SchemaVersionTable, "SELECT")).Distinct();
    }
}
