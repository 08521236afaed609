using Strata.Ingestion.Bronze;
using Strata.Warehouse;

namespace Strata.Ingestion.Ownership;

/// <summary>
/// <c>_strata.warehouse_identity</c>: a random id made once per warehouse, so the source can tell warehouses apart
/// even when two of them share a pipeline name.
/// </summary>
internal static class WarehouseIdentity
{
    public const string Table = "warehouse_identity";

    public static async Task<string> GetOrCreateAsync(IWarehouse warehouse, CancellationToken cancellationToken)
    {
        var table = warehouse.Qualify(MetadataTables.Schema, Table);
        var select = $"SELECT id FROM {table} ORDER BY created_at, id LIMIT 1";
        if (await warehouse.QueryAsync(select, null, cancellationToken) is [var existing, ..])
        {
            return (string)existing[0]!;
        }

        await warehouse.ExecuteAsync(
            $"INSERT INTO {table} (id, created_at) VALUES ({warehouse.Parameter(1)}, {warehouse.Parameter(2)})",
            [Guid.NewGuid().ToString("N"), DateTime.UtcNow], cancellationToken);
        // Two first runs at once on a server warehouse: both insert, both then take the oldest.
        return (string)(await warehouse.QueryAsync(select, null, cancellationToken))[0][0]!;
    }
}
