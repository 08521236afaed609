using Strata.Warehouse;

namespace Strata.Ingestion.Bronze;

/// <summary>Ingestion's tables in <c>_strata</c>: the checkpoint, snapshot progress, the source type of each bronze column, the warehouse's identity and the dead-letter table of quarantined changes.</summary>
internal static class MetadataTables
{
    public const string Schema = "_strata";

    public static async Task EnsureAsync(IWarehouse warehouse, CancellationToken cancellationToken)
    {
        await warehouse.EnsureSchemaAsync(Schema, cancellationToken);
        await warehouse.EnsureSchemaAsync(BronzeTable.Schema, cancellationToken);
        // Keyed: the checkpoint and column rows are upserted by key (IWarehouse.UpsertSql).
        await warehouse.CreateTableAsync(Schema, "checkpoints",
            [new("pipeline", WarehouseType.Text), new("slot", WarehouseType.Text), new("confirmed_lsn", WarehouseType.Int64), new("updated_at", WarehouseType.TimestampTz)],
            cancellationToken, primaryKey: ["pipeline"]);
        await warehouse.CreateTableAsync(Schema, "snapshots",
            [new("pipeline", WarehouseType.Text), new("table_name", WarehouseType.Text), new("snapshot_lsn", WarehouseType.Int64), new("row_count", WarehouseType.Int64),
             new("completed_at", WarehouseType.TimestampTz)],
            cancellationToken, primaryKey: ["pipeline", "table_name", "snapshot_lsn"]);
        await warehouse.CreateTableAsync(Schema, "bronze_columns",
            [new("table_name", WarehouseType.Text), new("column_name", WarehouseType.Text), new("source_type", WarehouseType.Text),
             new("dropped", new WarehouseType(WarehouseTypeKind.Boolean))],
            cancellationToken, primaryKey: ["table_name", "column_name"]);
        await warehouse.CreateTableAsync(Schema, Ownership.WarehouseIdentity.Table,
            [new("id", WarehouseType.Text), new("created_at", WarehouseType.TimestampTz)], cancellationToken, primaryKey: ["id"]);
        await warehouse.CreateTableAsync(Schema, Quarantine.Table, Quarantine.Columns, cancellationToken);
    }
}
