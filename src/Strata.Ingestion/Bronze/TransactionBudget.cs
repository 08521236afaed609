using Strata.Warehouse;

namespace Strata.Ingestion.Bronze;

/// <summary>
/// The room left in a warehouse transaction whose size the engine bounds (<see cref="WarehouseCapabilities.MaxTransactionBytes"/>):
/// a writer asks before each row whether it still fits, and starts another transaction when it does not.
/// </summary>
internal sealed class TransactionBudget
{
    private readonly IWarehouse _warehouse;
    private readonly long _room;
    private readonly HashSet<string> _tables = new(StringComparer.Ordinal);
    private long _used;

    private TransactionBudget(IWarehouse warehouse, long room)
    {
        _warehouse = warehouse;
        _room = room;
    }

    /// <summary>The budget of one transaction, <paramref name="reserve"/> bytes kept for its other statements; null when transactions are unbounded.</summary>
    public static TransactionBudget? For(IWarehouse warehouse, long reserve) =>
        warehouse.Capabilities.MaxTransactionBytes is { } limit ? new(warehouse, limit - reserve) : null;

    /// <summary>True when nothing was added since the last <see cref="Reset"/>.</summary>
    public bool IsEmpty => _used == 0;

    /// <summary>Counts <paramref name="row"/> of <paramref name="table"/> in, unless it no longer fits (then nothing is counted).</summary>
    /// <exception cref="IngestionException">The row alone is larger than a transaction.</exception>
    public bool TryAdd(string table, IReadOnlyList<WarehouseColumn> columns, ReadOnlySpan<object?> row, Func<string> what)
    {
        var bytes = _warehouse.AppendBytes(columns, row, first: !_tables.Contains(table));
        if (_used > 0 && _used + bytes > _room)
        {
            return false;
        }

        if (bytes > _room)
        {
            throw new IngestionException(
                $"{what()} is {bytes / 1024:N0} KiB as SQL, more than one {_warehouse.Engine} transaction takes ({_room / 1024:N0} KiB); " +
                $"so large a row needs a staged bulk load, which the {_warehouse.Engine} adapter does not have (docs/adding-a-warehouse.md, \"Bounded transactions\")");
        }

        _used += bytes;
        _tables.Add(table);
        return true;
    }

    /// <summary>A new transaction begins.</summary>
    public void Reset()
    {
        _used = 0;
        _tables.Clear();
    }
}
