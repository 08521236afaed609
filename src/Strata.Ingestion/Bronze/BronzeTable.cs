using Strata.Ingestion.Catalog;
using Strata.Warehouse;

namespace Strata.Ingestion.Bronze;

/// <summary>
/// A bronze table as it is in the warehouse: every source column it has ever had plus the metadata columns, in
/// table order (a column added at the source later lands after the metadata columns).
/// </summary>
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

    private readonly int[] _metadataSlot;
    private readonly WarehouseColumn[] _boundedDecimals;

    public BronzeTable(string name, IReadOnlyList<WarehouseColumn> columns)
    {
        Name = name;
        Columns = columns;
        var metadata = MetadataColumns.Select(c => c.Name).ToList();
        _metadataSlot = columns.Select(c => metadata.IndexOf(c.Name)).ToArray();
        _boundedDecimals = columns.Where(c => c.Type is { Kind: WarehouseTypeKind.Decimal, Precision: not null }).ToArray();
    }

    /// <summary>
    /// Why a change's value does not fit its bronze column exactly (a DuckDB <c>DECIMAL(38,10)</c> for an unconstrained
    /// numeric with 11 decimals), or null: found before the write, so the table is quarantined rather than the batch failing.
    /// </summary>
    public string? Refuses(Change change)
    {
        foreach (var column in _boundedDecimals)
        {
            if (change.Values.TryGetValue(column.Name, out var value) && value is decimal number && !column.Type.HoldsExactly(number))
            {
                return $"value {number.ToString(System.Globalization.CultureInfo.InvariantCulture)} of {change.Table.DisplayName}.{column.Name} " +
                    $"does not fit its bronze column DECIMAL({column.Type.Precision},{column.Type.Scale}) exactly";
            }
        }

        return null;
    }

    public string Name { get; }

    /// <summary>Every column in table order.</summary>
    public IReadOnlyList<WarehouseColumn> Columns { get; }

    /// <summary>For each bronze column, the index of the same column in <paramref name="table"/>, or -1.</summary>
    public int[] MapFrom(SourceTable table) =>
        Columns.Select((c, i) => _metadataSlot[i] >= 0 ? -1 : IndexOf(table, c.Name)).ToArray();

    /// <summary>
    /// Fills one bronze row from a source row laid out as <see cref="MapFrom"/>'s table and metadata already boxed, in
    /// <see cref="MetadataColumns"/> order: a snapshot's are the same for every row but the sequence.
    /// </summary>
    public void Fill(object?[] values, int[] map, object?[] sourceRow, object?[] metadata)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _metadataSlot[i] >= 0 ? metadata[_metadataSlot[i]] : map[i] >= 0 ? sourceRow[map[i]] : null;
        }
    }

    /// <summary>Fills one bronze row from a change's values by name and its metadata, boxed in <see cref="MetadataColumns"/> order.</summary>
    public void Fill(object?[] values, IReadOnlyDictionary<string, object?> source, object?[] metadata)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _metadataSlot[i] >= 0 ? metadata[_metadataSlot[i]]
                : source.TryGetValue(Columns[i].Name, out var value) ? value : null;
        }
    }

    private static int IndexOf(SourceTable table, string name)
    {
        for (var i = 0; i < table.Columns.Count; i++)
        {
            if (table.Columns[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>The metadata of one bronze row, in <see cref="BronzeTable.MetadataColumns"/> order.</summary>
internal readonly record struct ChangeMetadata(char Operation, ulong Lsn, int Sequence, long? TransactionId, DateTime CommitTime, DateTime IngestedAt)
{
    /// <summary>Every value, boxed, in <see cref="BronzeTable.MetadataColumns"/> order.</summary>
    public object?[] Boxed() => [Operation.ToString(), (long)Lsn, Sequence, TransactionId, CommitTime, IngestedAt];
}
