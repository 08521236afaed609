using Strata.Warehouse;

namespace Strata.Ingestion.Bronze;

/// <summary>A bronze table as it is in the warehouse: the source columns it has ever had, then the metadata columns.</summary>
internal sealed class BronzeTable
{
    public const string Schema = "bronze";

    public static readonly IReadOnlyList<WarehouseColumn> MetadataColumns =
    [
        new("_op", WarehouseType.Text),
        new("_lsn", WarehouseType.Int64),
        new("_seq", WarehouseType.Int32),
        new("_txid", WarehouseType.Int64),
        new("_commit_ts", WarehouseType.TimestampTz),
        new("_ingested_at", WarehouseType.TimestampTz),
    ];

    public BronzeTable(string name, IReadOnlyList<WarehouseColumn> columns)
    {
        Name = name;
        Columns = columns;
        SourceColumns = columns.Take(columns.Count - MetadataColumns.Count).ToList();
    }

    public string Name { get; }

    /// <summary>Every column in table order (source columns, then metadata).</summary>
    public IReadOnlyList<WarehouseColumn> Columns { get; }

    /// <summary>The source columns bronze has (including ones since dropped at the source).</summary>
    public IReadOnlyList<WarehouseColumn> SourceColumns { get; }
}
