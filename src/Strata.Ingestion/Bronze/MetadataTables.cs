using Strata.Warehouse;
using Strata.Warehouse.Metadata;

namespace Strata.Ingestion.Bronze;

/// <summary>Ingestion's tables in <c>_strata</c>: the checkpoint, snapshot progress, the source type of each bronze column, the warehouse's identity and the dead-letter table of quarantined changes.</summary>
internal static class MetadataTables
{
    public const string Schema = StrataSchema.Name;

    public static async Task EnsureAsync(IWarehouse warehouse, CancellationToken cancellationToken)
    {
        await warehouse.EnsureSchemaAsync(Schema, cancellationToken);
        await warehouse.EnsureSchemaAsync(BronzeTable.Schema, cancellationToken);
        await StrataSchema.EnsureAsync(warehouse, cancellationToken);
    }
}
