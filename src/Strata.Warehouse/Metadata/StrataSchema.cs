using System.Runtime.CompilerServices;

namespace Strata.Warehouse.Metadata;

/// <summary>
/// The <c>_strata</c> schema, every table of it defined here and nowhere else, with a schema version: opening a
/// warehouse creates what is missing and adds columns a newer Strata defines (additive migrations only), and refuses
/// a warehouse written by a newer Strata rather than writing to tables it does not know.
/// </summary>
public static class StrataSchema
{
    /// <summary>The schema's name.</summary>
    public const string Name = "_strata";

    /// <summary>The version this Strata writes; raise it with every change below (only ever add tables or columns).</summary>
    public const int Version = 3;

    private static readonly WarehouseType Text = WarehouseType.Text;
    private static readonly WarehouseType Int64 = WarehouseType.Int64;
    private static readonly WarehouseType Timestamp = new(WarehouseTypeKind.Timestamp);
    private static readonly WarehouseType Boolean = new(WarehouseTypeKind.Boolean);
    private static readonly ConditionalWeakTable<IWarehouse, Task> Ensured = [];

    /// <summary>Ingestion's checkpoint per pipeline.</summary>
    public static readonly StrataTable Checkpoints = new("checkpoints",
        [new("pipeline", Text), new("slot", Text), new("confirmed_lsn", Int64), new("updated_at", WarehouseType.TimestampTz)], ["pipeline"]);

    /// <summary>Each table's snapshots.</summary>
    public static readonly StrataTable Snapshots = new("snapshots",
        [new("pipeline", Text), new("table_name", Text), new("snapshot_lsn", Int64), new("row_count", Int64), new("completed_at", WarehouseType.TimestampTz)],
        ["pipeline", "table_name", "snapshot_lsn"]);

    /// <summary>
    /// The block ranges of a table snapshot committed so far, while it is under way (version 3): its rows are stamped
    /// <c>snapshot_lsn</c>; <c>end_block</c> null is the open last range; <c>layout</c> says which file and columns the
    /// blocks belong to, so a resumed copy knows the ranges still mean the same rows.
    /// </summary>
    public static readonly StrataTable SnapshotRanges = new("snapshot_ranges",
        [new("pipeline", Text), new("table_name", Text), new("snapshot_lsn", Int64), new("first_block", Int64), new("end_block", Int64), new("row_count", Int64),
         new("layout", Text), new("completed_at", WarehouseType.TimestampTz)],
        ["pipeline", "table_name", "first_block"]);

    /// <summary>The source type of every bronze column, and whether it was dropped.</summary>
    public static readonly StrataTable BronzeColumns = new("bronze_columns",
        [new("table_name", Text), new("column_name", Text), new("source_type", Text), new("dropped", Boolean)], ["table_name", "column_name"]);

    /// <summary>This warehouse's identity (who owns a slot).</summary>
    public static readonly StrataTable WarehouseIdentity = new("warehouse_identity", [new("id", Text), new("created_at", WarehouseType.TimestampTz)], ["id"]);

    /// <summary>Changes held back by a quarantined table.</summary>
    public static readonly StrataTable Quarantine = new("quarantine",
        [
            new("pipeline", Text), new("table_name", Text), new("source_table", Text), new("_lsn", Int64), new("_seq", WarehouseType.Int32), new("_txid", Int64),
            new("_op", Text), new("_commit_ts", WarehouseType.TimestampTz), new("error", Text), new("row_text", Text), new("quarantined_at", WarehouseType.TimestampTz),
            new("resolved_at", WarehouseType.TimestampTz),
        ]);

    /// <summary>Each changelog model's watermark.</summary>
    public static readonly StrataTable ModelState = new("model_state",
        [new("model", Text), new("lsn", Int64), new("seq", Int64), new("commit_ts", Timestamp), new("updated_at", Timestamp)]);

    /// <summary>Every model run.</summary>
    public static readonly StrataTable ModelRuns = new("model_runs",
        [new("run_id", Text), new("model", Text), new("materialized", Text), new("status", Text), new("rows_changed", Int64), new("started_at", Timestamp),
         new("duration_ms", Int64), new("error", Text)]);

    /// <summary>Every test result.</summary>
    public static readonly StrataTable TestResults = new("test_results",
        [new("run_id", Text), new("test", Text), new("model", Text), new("severity", Text), new("status", Text), new("failures", Int64), new("sample", Text),
         new("started_at", Timestamp), new("duration_ms", Int64), new("error", Text)]);

    /// <summary>What each model's rows are as of.</summary>
    public static readonly StrataTable ModelAsOf = new("model_asof", [new("model", Text), new("lsn", Int64), new("commit_ts", Timestamp), new("built_at", Timestamp)]);

    /// <summary>Every run of a host job.</summary>
    public static readonly StrataTable Runs = new("runs",
        [new("job", Text), new("trigger", Text), new("status", Text), new("attempts", Int64), new("started_at", Timestamp), new("duration_ms", Int64),
         new("detail", Text), new("error", Text)]);

    /// <summary>Every alert and its notices.</summary>
    public static readonly StrataTable Alerts = new("alerts",
        [new("alert_id", Text), new("rule", Text), new("subject", Text), new("status", Text), new("message", Text), new("fired_at", Timestamp),
         new("last_sent_at", Timestamp), new("resolved_at", Timestamp), new("notifications", Int64), new("recovery_sent", Boolean), new("error", Text)]);

    /// <summary>Every report delivery attempt.</summary>
    public static readonly StrataTable ReportDeliveries = new("report_deliveries",
        [new("delivered_at", Timestamp), new("report", Text), new("target", Text), new("format", Text), new("attempt", Int64), new("rows", Int64), new("bytes", Int64),
         new("duration_ms", Int64), new("status", Text), new("error", Text)]);

    /// <summary>Each seed as last loaded: a hash of its file and column types, so an unchanged seed is not loaded again (version 2).</summary>
    public static readonly StrataTable Seeds = new("seeds", [new("seed", Text), new("hash", Text), new("rows", Int64), new("loaded_at", Timestamp)], ["seed"]);

    private static readonly StrataTable SchemaVersion = new("schema_version", [new("version", Int64), new("applied_at", WarehouseType.TimestampTz)]);

    /// <summary>Every table of the schema.</summary>
    public static IReadOnlyList<StrataTable> All { get; } =
        [Checkpoints, Snapshots, SnapshotRanges, BronzeColumns, WarehouseIdentity, Quarantine, ModelState, ModelRuns, TestResults, ModelAsOf, Runs, Alerts, ReportDeliveries, Seeds];

    /// <summary>Creates or migrates the schema in <paramref name="warehouse"/>, once per open handle.</summary>
    /// <exception cref="WarehouseException">A newer Strata wrote the warehouse.</exception>
    public static Task EnsureAsync(IWarehouse warehouse, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        lock (Ensured)
        {
            if (Ensured.TryGetValue(warehouse, out var done) && !done.IsFaulted && !done.IsCanceled)
            {
                return done;
            }

            var task = MigrateAsync(warehouse, cancellationToken);
            Ensured.AddOrUpdate(warehouse, task);
            return task;
        }
    }

    private static async Task MigrateAsync(IWarehouse warehouse, CancellationToken cancellationToken)
    {
        await warehouse.EnsureSchemaAsync(Name, cancellationToken);
        await CreateOrExtendAsync(warehouse, SchemaVersion, cancellationToken);
        var stored = await warehouse.QueryAsync($"SELECT max(version) FROM {SchemaVersion.Qualified(warehouse)}", null, cancellationToken);
        var version = stored[0][0] is null ? 0 : Convert.ToInt64(stored[0][0], System.Globalization.CultureInfo.InvariantCulture);
        if (version > Version)
        {
            throw new WarehouseException(
                $"the warehouse {warehouse.Location} was written by a newer Strata ({Name} schema version {version}; this one knows {Version}); upgrade strata to use it");
        }

        // At this version every table exists (whoever wrote the version made them). Not looking again matters to a
        // part's least-privilege login (strata infra), which cannot see the tables it has no privilege on and would
        // take them for missing.
        if (version == Version)
        {
            return;
        }

        foreach (var table in All)
        {
            await CreateOrExtendAsync(warehouse, table, cancellationToken);
        }

        if (version < Version)
        {
            await warehouse.ExecuteAsync(SchemaVersion.InsertSql(warehouse), [(long)Version, DateTime.UtcNow], cancellationToken);
        }
    }

    /// <summary>Creates the table, or adds the columns it lacks (an older Strata made it).</summary>
    private static async Task CreateOrExtendAsync(IWarehouse warehouse, StrataTable table, CancellationToken cancellationToken)
    {
        var existing = await warehouse.GetColumnsAsync(Name, table.Name, cancellationToken);
        if (existing is null)
        {
            await warehouse.CreateTableAsync(Name, table.Name, table.Columns, cancellationToken, table.Key);
            return;
        }

        foreach (var column in table.Columns.Where(c => existing.All(e => e.Name != c.Name)))
        {
            await warehouse.AddColumnAsync(Name, table.Name, column, cancellationToken);
        }
    }
}

/// <summary>One table of the <c>_strata</c> schema.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Columns">Its columns, in order.</param>
/// <param name="Key">Its primary key, for the tables written by upsert.</param>
public sealed record StrataTable(string Name, IReadOnlyList<WarehouseColumn> Columns, IReadOnlyList<string>? Key = null)
{
    /// <summary>
    /// The column names, comma-separated and quoted, for explicit inserts and selects: some are words an engine
    /// reserves (<c>rows</c>, <c>sample</c>, <c>trigger</c> on Snowflake).
    /// </summary>
    public string ColumnList(IWarehouse warehouse)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        return string.Join(", ", Columns.Select(c => warehouse.Quote(c.Name)));
    }

    /// <summary><c>"_strata"."name"</c> in <paramref name="warehouse"/>'s quoting.</summary>
    public string Qualified(IWarehouse warehouse)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        return warehouse.Qualify(StrataSchema.Name, Name);
    }

    /// <summary>An insert of one row, its values the parameters 1…n in column order.</summary>
    public string InsertSql(IWarehouse warehouse)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        return $"INSERT INTO {Qualified(warehouse)} ({ColumnList(warehouse)}) VALUES ({string.Join(", ", Columns.Select((_, i) => warehouse.Parameter(i + 1)))})";
    }

    /// <summary>A select of every column in column order, then <paramref name="rest"/> (a WHERE, ORDER BY, LIMIT).</summary>
    public string SelectSql(IWarehouse warehouse, string rest = "") => $"SELECT {ColumnList(warehouse)} FROM {Qualified(warehouse)} {rest}".TrimEnd();
}
