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
        await warehouse.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS {warehouse.Qualify(Schema, "checkpoints")} (pipeline {Text(warehouse)} PRIMARY KEY, slot {Text(warehouse)}, " +
            $"confirmed_lsn {Int64(warehouse)}, updated_at {warehouse.TypeName(WarehouseType.TimestampTz)})",
            cancellationToken: cancellationToken);
        await warehouse.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS {warehouse.Qualify(Schema, "snapshots")} (pipeline {Text(warehouse)}, table_name {Text(warehouse)}, " +
            $"snapshot_lsn {Int64(warehouse)}, row_count {Int64(warehouse)}, completed_at {warehouse.TypeName(WarehouseType.TimestampTz)}, PRIMARY KEY (pipeline, table_name, snapshot_lsn))",
            cancellationToken: cancellationToken);
        await warehouse.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS {warehouse.Qualify(Schema, "bronze_columns")} (table_name {Text(warehouse)}, column_name {Text(warehouse)}, " +
            $"source_type {Text(warehouse)}, dropped {warehouse.TypeName(new WarehouseType(WarehouseTypeKind.Boolean))}, PRIMARY KEY (table_name, column_name))",
            cancellationToken: cancellationToken);
        await warehouse.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS {warehouse.Qualify(Schema, Ownership.WarehouseIdentity.Table)} (id {Text(warehouse)} PRIMARY KEY, " +
            $"created_at {warehouse.TypeName(WarehouseType.TimestampTz)})",
            cancellationToken: cancellationToken);
        await warehouse.ExecuteAsync(Quarantine.CreateSql(warehouse), cancellationToken: cancellationToken);
    }

    private static string Text(IWarehouse warehouse) => warehouse.TypeName(WarehouseType.Text);

    private static string Int64(IWarehouse warehouse) => warehouse.TypeName(WarehouseType.Int64);
}
