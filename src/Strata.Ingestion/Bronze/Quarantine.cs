using System.Globalization;
using System.Text.Json;
using Strata.Warehouse;

namespace Strata.Ingestion.Bronze;

/// <summary>
/// Tables whose changes cannot be landed. The first change of a table that cannot be converted quarantines the table:
/// that change and every later one of the table go to the dead-letter table <c>_strata.quarantine</c> (with its LSN,
/// the error and the values' text) in the same warehouse transaction as the batch and its checkpoint, while other
/// tables go on. A resync snapshot of the table (<c>strata ingest --resync</c>) resolves its rows and releases it.
/// </summary>
internal sealed class Quarantine
{
    public const string Table = "quarantine";

    public static readonly IReadOnlyList<WarehouseColumn> Columns = Warehouse.Metadata.StrataSchema.Quarantine.Columns;

    private readonly IWarehouse _warehouse;
    private readonly string _pipeline;
    private readonly Dictionary<string, string> _tables; // bronze name → source table
    private readonly Lock _lock = new();

    private Quarantine(IWarehouse warehouse, string pipeline, Dictionary<string, string> tables)
    {
        _warehouse = warehouse;
        _pipeline = pipeline;
        _tables = tables;
    }

    /// <summary>Told the source tables (<c>schema.table</c>) quarantined whenever that set changes.</summary>
    public Action<IReadOnlyList<string>>? Changed { get; set; }

    /// <summary>Source tables (<c>schema.table</c>) quarantined now.</summary>
    public IReadOnlyList<string> Tables
    {
        get
        {
            lock (_lock)
            {
                return _tables.Values.Order(StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>True when <paramref name="bronzeName"/>'s changes are held.</summary>
    public bool Holds(string bronzeName)
    {
        lock (_lock)
        {
            return _tables.ContainsKey(bronzeName);
        }
    }

    /// <summary>The pipeline's quarantined tables as the warehouse records them.</summary>
    public static async Task<Quarantine> LoadAsync(IWarehouse warehouse, string pipeline, CancellationToken cancellationToken)
    {
        var held = await ReadAsync(warehouse, pipeline, cancellationToken);
        return new Quarantine(warehouse, pipeline, held.ToDictionary(t => t.Table, t => t.SourceTable, StringComparer.Ordinal));
    }

    /// <summary>Each quarantined table of <paramref name="pipeline"/>: its held changes, the first one's LSN and the error that quarantined it.</summary>
    public static async Task<IReadOnlyList<QuarantinedTable>> ReadAsync(IWarehouse warehouse, string pipeline, CancellationToken cancellationToken)
    {
        var quarantine = warehouse.Qualify(MetadataTables.Schema, Table);
        var unresolved = $"FROM {quarantine} WHERE pipeline = {warehouse.Parameter(1)} AND resolved_at IS NULL";
        var errors = (await warehouse.QueryAsync(
                "SELECT table_name, error FROM (SELECT table_name, error, row_number() OVER (PARTITION BY table_name ORDER BY _lsn, _seq) AS rn " +
                $"{unresolved} AND error IS NOT NULL) first_failure WHERE rn = 1",
                [pipeline], cancellationToken))
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!, StringComparer.Ordinal);
        var rows = await warehouse.QueryAsync(
            $"SELECT table_name, min(source_table), min(_lsn), count(CASE WHEN _op <> 'r' THEN 1 END), min(quarantined_at) {unresolved} GROUP BY table_name ORDER BY table_name",
            [pipeline], cancellationToken);
        return rows.Select(r => new QuarantinedTable(
                (string)r[0]!, (string)r[1]!, Convert.ToInt64(r[3], CultureInfo.InvariantCulture),
                (ulong)Convert.ToInt64(r[2], CultureInfo.InvariantCulture), errors.GetValueOrDefault((string)r[0]!, ""), Timestamps.ToUtc(r[4])))
            .ToList();
    }

    /// <summary>
    /// Splits <paramref name="changes"/> into those that land in bronze and those held back: every change of a table
    /// already quarantined, and of a table quarantined by this write (<paramref name="newly"/>: its first failing change)
    /// from that change's source transaction on, so a transaction never lands in part.
    /// </summary>
    public (List<Change> Landed, List<Change> Held) Split(IReadOnlyList<Change> changes, Dictionary<string, Change> newly)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var change in changes)
        {
            if (change.Error is not null)
            {
                newly.TryAdd(change.Table.BronzeName, change);
            }
        }

        var landed = new List<Change>(changes.Count);
        var held = new List<Change>();
        lock (_lock)
        {
            foreach (var change in changes)
            {
                var table = change.Table.BronzeName;
                var hold = _tables.ContainsKey(table) || (newly.TryGetValue(table, out var failed) && change.Lsn >= failed.Lsn);
                (hold ? held : landed).Add(change);
            }
        }

        return (landed, held);
    }

    /// <summary>Writes held changes into the dead-letter table, inside the batch's transaction.</summary>
    public async Task AppendAsync(IWarehouseTransaction transaction, IReadOnlyList<Change> held, DateTime at, CancellationToken cancellationToken)
    {
        await using var appender = await transaction.AppendAsync(MetadataTables.Schema, Table, Columns, cancellationToken);
        foreach (var change in held)
        {
            appender.Append(Row(change, at));
        }

        await appender.CompleteAsync(cancellationToken);
    }

    /// <summary>The dead-letter row of a held change.</summary>
    public object?[] Row(Change change, DateTime at)
    {
        ArgumentNullException.ThrowIfNull(change);
        return
        [
            _pipeline, change.Table.BronzeName, change.Table.DisplayName, (long)change.Lsn, change.Sequence, change.TransactionId,
            change.Operation.ToString(), change.CommitTime, change.Error, RowText(change.Values), at, null,
        ];
    }

    /// <summary>After the write committed: the tables of <paramref name="firsts"/> (each one's first failing change) are held from now on.</summary>
    /// <returns>The first failing change of each table held only now.</returns>
    public IReadOnlyList<Change> Hold(IEnumerable<Change> firsts)
    {
        List<Change> added;
        lock (_lock)
        {
            added = firsts.Where(c => !_tables.ContainsKey(c.Table.BronzeName)).ToList();
            foreach (var change in added)
            {
                _tables[change.Table.BronzeName] = change.Table.DisplayName;
            }
        }

        if (added.Count > 0)
        {
            Changed?.Invoke(Tables);
        }

        return added;
    }

    /// <summary>
    /// Holds a table whose snapshot at <paramref name="lsn"/> failed on a value (its rows are not in bronze): its
    /// changes wait here from then on, and the next run, finding no snapshot of it, takes one again.
    /// </summary>
    public async Task HoldFailedSnapshotAsync(Catalog.SourceTable table, ulong lsn, string error, CancellationToken cancellationToken)
    {
        await using (var transaction = await _warehouse.BeginAsync(cancellationToken))
        {
            await using var appender = await transaction.AppendAsync(MetadataTables.Schema, Table, Columns, cancellationToken);
            appender.Append([_pipeline, table.BronzeName, table.DisplayName, (long)lsn, -1, null, "r", null, $"snapshot failed: {error}", null, DateTime.UtcNow, null]);
            await appender.CompleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        lock (_lock)
        {
            _tables[table.BronzeName] = table.DisplayName;
        }

        Changed?.Invoke(Tables);
    }

    /// <summary>Marks a table's held changes up to a resync snapshot at <paramref name="lsn"/> resolved, inside the snapshot's transaction.</summary>
    public Task ResolveAsync(IWarehouseTransaction transaction, string table, ulong lsn, DateTime at, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync(
            $"UPDATE {_warehouse.Qualify(MetadataTables.Schema, Table)} SET resolved_at = {_warehouse.Parameter(1)} " +
            $"WHERE pipeline = {_warehouse.Parameter(2)} AND table_name = {_warehouse.Parameter(3)} AND _lsn <= {_warehouse.Parameter(4)} AND resolved_at IS NULL",
            [at, _pipeline, table, (long)lsn], cancellationToken);

    /// <summary>After a resync snapshot of <paramref name="table"/> committed: its newer changes land in bronze again.</summary>
    public void Release(string table)
    {
        bool removed;
        lock (_lock)
        {
            removed = _tables.Remove(table);
        }

        if (removed)
        {
            Changed?.Invoke(Tables);
        }
    }

    /// <summary>The values as JSON text: what the source sent for the value that failed, the invariant text of the others.</summary>
    private static string RowText(IReadOnlyDictionary<string, object?> values) =>
        JsonSerializer.Serialize(values.ToDictionary(v => v.Key, v => Text(v.Value), StringComparer.Ordinal));

    private static string? Text(object? value) => value switch
    {
        null => null,
        byte[] bytes => $"\\x{Convert.ToHexStringLower(bytes)}",
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

/// <summary>A quarantined table: changes are held in <c>_strata.quarantine</c> until it is resynced.</summary>
/// <param name="Table">Bronze table name.</param>
/// <param name="SourceTable">The source table (<c>schema.table</c>).</param>
/// <param name="Held">Changes held (a failed snapshot's own record is not one).</param>
/// <param name="FirstLsn">Commit LSN of the first held change.</param>
/// <param name="Error">Why that change could not be landed.</param>
/// <param name="Since">When the table was quarantined.</param>
public sealed record QuarantinedTable(string Table, string SourceTable, long Held, ulong FirstLsn, string Error, DateTime? Since);
