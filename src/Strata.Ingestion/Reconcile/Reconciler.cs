using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Strata.Ingestion.Bronze;
using Strata.Ingestion.Catalog;
using Strata.Ingestion.Replication;
using Strata.Ingestion.Resync;
using Strata.Ingestion.Snapshot;
using Strata.Ingestion.Streaming;
using Strata.Warehouse;
using Strata.Warehouse.Changelog;

namespace Strata.Ingestion.Reconcile;

/// <summary>
/// <c>strata reconcile</c>: proves bronze holds the source. It takes a consistent snapshot of the source at a known LSN
/// (a temporary slot's exported snapshot), makes sure bronze holds every change up to that LSN, rebuilds each table's
/// state as of it from the changelog (the newest snapshot or TRUNCATE, then the latest version per key), and compares
/// row counts, a checksum over every column, and the keys that differ. Works while the source keeps changing.
/// </summary>
/// <remarks>
/// It never ingests: a check that moved bronze itself would prove what it just did, not what ingestion did. With a
/// process streaming the slot it waits for that process; with none, bronze must already be there.
/// </remarks>
internal sealed class Reconciler(IngestionService ingestion)
{
    private const int MismatchesShown = 10;

    /// <summary>Compares; <paramref name="retried"/> once it had to move to a newer point.</summary>
    public async Task<ReconcileResult> ReconcileAsync(IReadOnlyList<string> tables, bool retried, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var cdc = ingestion.CdcEndpoint();
        var connectionString = cdc.ConnectionString(ingestion.Source.Database, "strata reconcile");
        await using var source = await cdc.OpenAsync(ingestion.Source.Database, cancellationToken);
        var catalog = (await SourceCatalog.ReadAsync(source, ingestion.Source.Publication, cancellationToken)).ToDictionary(t => t.DisplayName);
        var chosen = ResyncRequest.Resolve(tables, catalog);

        ulong at;
        var sourceRows = new Dictionary<string, Dictionary<string, ulong>>(StringComparer.Ordinal);
        await using (var replication = await ReplicationSession.OpenAsync(connectionString, cdc, cancellationToken))
        {
            var slot = await replication.CreateSlotAsync($"{ingestion.Slot}_reconcile_{Guid.NewGuid().ToString("N")[..6]}", temporary: true, cancellationToken);
            at = ReplicationSession.SnapshotLsn(slot);
            // The exported snapshot lives while the replication connection stays idle: read every table now.
            foreach (var table in chosen)
            {
                sourceRows[table.DisplayName] = await ReadSourceAsync(connectionString, slot.SnapshotName!, table, cancellationToken);
            }
        }

        await CatchUpAsync(source, cdc.Address, at, cancellationToken);

        bool newer;
        await using (var check = await ingestion.OpenWarehouse(cancellationToken))
        {
            newer = !retried && await SnapshotAfterAsync(check, chosen, at, cancellationToken);
        }

        if (newer)
        {
            // While waiting, the ingesting process took a snapshot newer than the comparison point (it finished an
            // interrupted resync): the changes before it are only in that snapshot, so bronze cannot be rebuilt as of
            // the older point. Compare again at a point after it.
            return await ReconcileAsync(tables, retried: true, cancellationToken);
        }

        await using var warehouse = await ingestion.OpenWarehouse(cancellationToken);

        var results = new List<ReconcileTable>();
        foreach (var table in chosen)
        {
            results.Add(await CompareAsync(warehouse, table, at, sourceRows[table.DisplayName], cancellationToken));
        }

        return new ReconcileResult(new NpgsqlLogSequenceNumber(at + 1).ToString(), results);
    }

    /// <summary>True when a snapshot of one of <paramref name="tables"/> was taken after <paramref name="at"/>.</summary>
    private async Task<bool> SnapshotAfterAsync(IWarehouse warehouse, IReadOnlyList<SourceTable> tables, ulong at, CancellationToken cancellationToken)
    {
        var names = tables.Select(t => t.BronzeName).ToHashSet(StringComparer.Ordinal);
        var rows = await warehouse.QueryAsync(
            $"SELECT table_name FROM {warehouse.Qualify(MetadataTables.Schema, "snapshots")} WHERE pipeline = {warehouse.Parameter(1)} AND snapshot_lsn > {warehouse.Parameter(2)}",
            [ingestion.Pipeline, (long)at], cancellationToken);
        return rows.Any(r => names.Contains((string)r[0]!));
    }

    /// <summary>
    /// Makes sure bronze holds the source up to <paramref name="at"/> without ingesting: with a process streaming the
    /// slot, waits for bronze to pass it; with none, bronze must already hold every change the slot has up to it.
    /// </summary>
    private async Task CatchUpAsync(NpgsqlConnection source, string address, ulong at, CancellationToken cancellationToken)
    {
        var slot = await SlotState.ReadAsync(source, ingestion.Slot, cancellationToken)
            ?? throw new IngestionException(
                $"replication slot {ingestion.Slot} does not exist on {address}, so nothing has ingested pipeline {ingestion.Pipeline} into bronze; run `strata ingest` (or `strata ingest --once`), then reconcile again");
        if (slot.WalStatus == "lost")
        {
            throw new IngestionException(
                $"replication slot {ingestion.Slot} on {address} was invalidated (wal_status = lost), so bronze misses changes; run `strata ingest --resync`, then reconcile again");
        }

        await using var warehouse = await ingestion.OpenWarehouse(cancellationToken);
        var writer = await BronzeWriter.OpenAsync(warehouse, ingestion.Pipeline, ingestion.Slot, ingestion.Console, cancellationToken);
        if (!slot.Active)
        {
            var inactive = $"no process is ingesting (slot {ingestion.Slot} on {address} inactive); run `strata ingest --once` or start `strata up`, then reconcile again";
            var checkpoint = await writer.ReadCheckpointAsync(cancellationToken)
                ?? throw new IngestionException($"bronze holds no checkpoint of pipeline {ingestion.Pipeline} (its first snapshot did not finish) and {inactive}");
            if (checkpoint >= at)
            {
                return;
            }

            // Rows are compared up to the comparison point, so a checkpoint below it (no heartbeat moved it since) is
            // enough when the slot holds no change bronze lacks up to that point.
            var pending = await PendingChanges.CountAsync(source, ingestion.Slot, ingestion.Source.Publication, at, checkpoint, cancellationToken);
            if (pending == 0)
            {
                return;
            }

            if (pending is not null)
            {
                throw new IngestionException(
                    $"bronze is behind the source ({pending} changes up to {new NpgsqlLogSequenceNumber(at + 1)} not ingested) and {inactive}");
            }

            // A process took the slot meanwhile: wait for it as for one that held it all along.
        }

        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(60); waited += TimeSpan.FromMilliseconds(250))
        {
            if (await writer.ReadCheckpointAsync(cancellationToken) >= at)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        throw new IngestionException(
            $"bronze did not reach {new NpgsqlLogSequenceNumber(at)} within 60 s; is ingestion (slot {ingestion.Slot}) running? Start `strata ingest` or run `strata ingest --once` first");
    }

    /// <summary>The source side: PostgreSQL's own text of every value, so a rewrite by the snapshot or the stream shows as a difference.</summary>
    private static async Task<Dictionary<string, ulong>> ReadSourceAsync(string connectionString, string snapshot, SourceTable table, CancellationToken cancellationToken)
    {
        await using var reader = await SnapshotReader.OpenAsync(connectionString, snapshot, cancellationToken);
        var rows = new RowSet();
        var values = new string?[table.Columns.Count];
        await using var exporter = await reader.ExportTextAsync(table, cancellationToken);
        while (exporter.StartRow() != -1)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = exporter.IsNull ? SkipNull(exporter) : PostgresText.Canonical(exporter.Read<string>(), table.Columns[i]);
            }

            rows.Add(KeyAndHash(table, values));
        }

        return rows.Hashes;

        static string? SkipNull(NpgsqlBinaryExporter exporter)
        {
            exporter.Skip();
            return null;
        }
    }

    private static async Task<ReconcileTable> CompareAsync(
        IWarehouse warehouse, SourceTable table, ulong at, Dictionary<string, ulong> source, CancellationToken cancellationToken)
    {
        var sourceChecksum = source.Values.Aggregate(0UL, (sum, hash) => unchecked(sum + hash));
        var keyed = table.Columns.Any(c => c.IsKey);
        var keys = table.Columns.Where(c => c.IsKey).Select(c => c.Name).ToList();
        var columns = string.Join(", ", table.Columns.Select(c => warehouse.Quote(c.Name)));
        var changes = $"(SELECT * FROM {warehouse.Qualify(BronzeTable.Schema, table.BronzeName)} WHERE {ChangelogState.UpTo((long)at)})";
        var since = ChangelogState.Resets(await warehouse.QueryAsync(ChangelogState.ResetsSql(changes), null, cancellationToken)) is { Count: > 0 } resets
            ? resets[^1].Position
            : (ChangelogPosition?)null;
        // With a key: the latest version of each key. Without one: every change since the last reset in order, replayed
        // below as a multiset (an insert adds a copy of the row, a delete takes one away).
        var sql = keyed
            ? $"SELECT {columns}, _op FROM ({ChangelogState.LatestVersionsSql(warehouse, changes, keys, since)}) AS latest WHERE _op <> 'd'"
            : $"SELECT {columns}, _op FROM ({ChangelogState.VersionsSinceSql(changes, since)}) AS versions ORDER BY _lsn, _seq";
        var state = await warehouse.QueryAsync(sql, null, cancellationToken);
        var copies = new Dictionary<(string Key, ulong Hash), int>();
        var order = new List<(string Key, ulong Hash)>();
        var values = new string?[table.Columns.Count];
        foreach (var row in state)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = PostgresText.Render(row[i], table.Columns[i]);
            }

            var entry = KeyAndHash(table, values);
            var count = copies.GetValueOrDefault(entry);
            if ((string)row[values.Length]! == "d")
            {
                copies[entry] = Math.Max(0, count - 1);
                continue;
            }

            if (count == 0 && !copies.ContainsKey(entry))
            {
                order.Add(entry);
            }

            copies[entry] = count + 1;
        }

        var bronzeRows = new RowSet();
        var bronzeCount = 0;
        foreach (var entry in order)
        {
            for (var n = 0; n < copies[entry]; n++, bronzeCount++)
            {
                bronzeRows.Add(entry);
            }
        }

        var mismatches = new List<string>();
        var bronzeChecksum = bronzeRows.Hashes.Values.Aggregate(0UL, (sum, hash) => unchecked(sum + hash));
        var remaining = new Dictionary<string, ulong>(source, StringComparer.Ordinal);
        foreach (var (key, hash) in bronzeRows.Hashes)
        {
            if (!remaining.Remove(key, out var expected))
            {
                mismatches.Add($"{key}: in bronze, not in the source");
            }
            else if (expected != hash)
            {
                mismatches.Add($"{key}: values differ");
            }
        }

        mismatches.AddRange(remaining.Keys.Select(k => $"{k}: in the source, not in bronze"));
        return new ReconcileTable(table.DisplayName, source.Count, bronzeCount, sourceChecksum.ToString("x16", CultureInfo.InvariantCulture),
            bronzeChecksum.ToString("x16", CultureInfo.InvariantCulture), mismatches.Count, mismatches.Take(MismatchesShown).ToList());
    }

    private static (string Key, ulong Hash) KeyAndHash(SourceTable table, string?[] values)
    {
        var text = new StringBuilder();
        var key = new StringBuilder();
        for (var i = 0; i < table.Columns.Count; i++)
        {
            // NULL apart from any text, and a separator no rendered value contains unescaped.
            var value = values[i] is { } v ? "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'" : "NULL";
            text.Append(value).Append('\u001f');
            if (table.Columns[i].IsKey)
            {
                key.Append(key.Length == 0 ? "" : ", ").Append(table.Columns[i].Name).Append('=').Append(values[i] ?? "NULL");
            }
        }

        var hash = BitConverter.ToUInt64(MD5.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        return (key.Length > 0 ? key.ToString() : $"row {hash:x16}", hash);
    }

    /// <summary>
    /// Rows by key. Rows without a key are compared as a multiset: the row is its own key, and its n-th copy is
    /// numbered <c>#n</c> on both sides alike, so identical duplicates match copy for copy.
    /// </summary>
    private sealed class RowSet
    {
        private readonly Dictionary<string, int> _copies = new(StringComparer.Ordinal);

        public Dictionary<string, ulong> Hashes { get; } = new(StringComparer.Ordinal);

        public void Add((string Key, ulong Hash) row)
        {
            var copy = _copies[row.Key] = _copies.GetValueOrDefault(row.Key) + 1;
            Hashes[copy == 1 ? row.Key : string.Create(CultureInfo.InvariantCulture, $"{row.Key}#{copy}")] = row.Hash;
        }
    }
}
