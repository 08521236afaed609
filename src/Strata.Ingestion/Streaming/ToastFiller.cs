using System.Collections.Concurrent;
using Strata.Ingestion.Bronze;
using Strata.Ingestion.Catalog;
using Strata.Output;
using Strata.Warehouse;

namespace Strata.Ingestion.Streaming;

/// <summary>
/// Restores values an update left out because they are unchanged TOAST (large values the source did not rewrite):
/// from the old row when the table has REPLICA IDENTITY FULL, else from the newest version of the row not yet
/// written, else from bronze. Bronze never gets a null for a value that did not change.
/// </summary>
internal sealed class ToastFiller(IWarehouse warehouse, IStrataConsole console)
{
    private static readonly object Unchanged = new();
    private readonly ConcurrentDictionary<(string Table, string Key), (ulong Lsn, long? Xid, IReadOnlyDictionary<string, object?> Values)> _pending = new();

    public static void MarkUnchanged(Dictionary<string, object?> values, string column) => values[column] = Unchanged;

    /// <summary>Remembers a change until its batch is in bronze, when a later update could refer to one of its values as unchanged TOAST.</summary>
    public void Pending(Change change)
    {
        if (change.Operation is 'c' or 'u' && CouldBeToasted(change.Values) && Key(change.Table, change.Values) is { } key)
        {
            _pending[(change.Table.BronzeName, key)] = (change.Lsn, change.TransactionId, change.Values);
        }
    }

    /// <summary>Forgets the rows of a streamed transaction (<see cref="StreamedTransaction.Uncommitted"/>), once in bronze or rolled back.</summary>
    public void Forget(long xid)
    {
        foreach (var entry in _pending)
        {
            if (entry.Value.Lsn == StreamedTransaction.Uncommitted && entry.Value.Xid == xid)
            {
                _pending.TryRemove(entry);
            }
        }
    }

    /// <summary>Forgets pending rows now in bronze (up to and including <paramref name="lsn"/>).</summary>
    public void Flushed(ulong lsn)
    {
        foreach (var entry in _pending)
        {
            if (entry.Value.Lsn <= lsn)
            {
                _pending.TryRemove(entry);
            }
        }
    }

    public async ValueTask<Dictionary<string, object?>> FillAsync(
        SourceTable table, Dictionary<string, object?> values, Dictionary<string, object?>? old, CancellationToken cancellationToken)
    {
        List<string>? missing = null;
        foreach (var (column, value) in values)
        {
            if (ReferenceEquals(value, Unchanged))
            {
                (missing ??= []).Add(column);
            }
        }

        if (missing is null)
        {
            return values;
        }

        IReadOnlyDictionary<string, object?>? previous = null;
        var key = Key(table, values);
        if (key is not null && _pending.TryGetValue((table.BronzeName, key), out var pending))
        {
            previous = pending.Values;
        }

        foreach (var column in missing)
        {
            if (old is not null && old.TryGetValue(column, out var fromOld) && !ReferenceEquals(fromOld, Unchanged))
            {
                values[column] = fromOld;
            }
            else if (previous is not null && previous.TryGetValue(column, out var fromPending))
            {
                values[column] = fromPending;
            }
            else if (key is not null)
            {
                values[column] = await FromBronzeAsync(table, values, column, cancellationToken);
            }
            else
            {
                console.Warning($"{table.DisplayName}: an update left {column} out as unchanged, and the table has no primary key to find it by; stored as null");
                values[column] = null;
            }
        }

        return values;
    }

    private async Task<object?> FromBronzeAsync(SourceTable table, Dictionary<string, object?> values, string column, CancellationToken cancellationToken)
    {
        var keys = table.Columns.Where(c => c.IsKey).ToList();
        var conditions = string.Join(" AND ", keys.Select((k, i) => $"{warehouse.Quote(k.Name)} = {warehouse.Parameter(i + 1)}"));
        var rows = await warehouse.QueryAsync(
            $"SELECT {warehouse.Quote(column)} FROM {warehouse.Qualify(BronzeTable.Schema, table.BronzeName)} " +
            $"WHERE {conditions} AND _op IN ('r', 'c', 'u') ORDER BY _lsn DESC, _seq DESC LIMIT 1",
            keys.Select(k => values[k.Name]).ToList(), cancellationToken);
        return rows.Count == 0 ? null : rows[0][0];
    }

    /// <summary>
    /// False for a row version too small for PostgreSQL to have moved any value out of line: its size (over-estimated)
    /// is under 128 bytes, the least <c>toast_tuple_target</c> a table can have, or it has no variable-length text or bytes.
    /// Such versions are not remembered, which keeps memory flat through large transactions of ordinary rows.
    /// </summary>
    private static bool CouldBeToasted(IReadOnlyDictionary<string, object?> values)
    {
        const int leastToastTarget = 128;
        var size = 24;
        var variable = false;
        // The decoder's rows are dictionaries: enumerated as one, without boxing an enumerator per row.
        foreach (var value in values is Dictionary<string, object?> row ? row.Values : values.Values)
        {
            switch (value)
            {
                case string text:
                    size += 4 + (text.Length * 3);
                    variable = true;
                    break;
                case byte[] bytes:
                    size += 4 + bytes.Length;
                    variable = true;
                    break;
                case null:
                    break;
                default:
                    size += 16;
                    break;
            }
        }

        return variable && size >= leastToastTarget;
    }

    private static string? Key(SourceTable table, IReadOnlyDictionary<string, object?> values)
    {
        var keys = table.Columns.Where(c => c.IsKey).ToList();
        if (keys.Count == 0 || keys.Any(k => !values.TryGetValue(k.Name, out var v) || v is null || ReferenceEquals(v, Unchanged)))
        {
            return null;
        }

        return string.Join('\u001f', keys.Select(k => Convert.ToString(values[k.Name], System.Globalization.CultureInfo.InvariantCulture)));
    }
}
