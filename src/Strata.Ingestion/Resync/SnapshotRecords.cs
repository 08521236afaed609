using System.Globalization;
using Strata.Ingestion.Bronze;
using Strata.Warehouse;

namespace Strata.Ingestion.Resync;

/// <summary>
/// <c>_strata.snapshots</c> of one pipeline: a row per table snapshot, committed with the snapshot's rows (a table is
/// snapshotted only once its row is there), and a marker row while a full resync is under way.
/// </summary>
internal sealed class SnapshotRecords(IWarehouse warehouse, string pipeline)
{
    /// <summary>The row that stands for a full resync under way (no table has this name).</summary>
    private const string FullResyncMarker = "*";

    private string Table => warehouse.Qualify(MetadataTables.Schema, "snapshots");

    /// <summary>The bronze names of the tables whose snapshot is done.</summary>
    public async Task<HashSet<string>> TablesAsync(CancellationToken cancellationToken)
    {
        var rows = await warehouse.QueryAsync(
            $"SELECT DISTINCT table_name FROM {Table} WHERE pipeline = {warehouse.Parameter(1)}", [pipeline], cancellationToken);
        return rows.Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Each table's newest snapshot LSN.</summary>
    public async Task<List<(string Table, ulong Lsn)>> NewestAsync(CancellationToken cancellationToken)
    {
        var rows = await warehouse.QueryAsync(
            $"SELECT table_name, max(snapshot_lsn) FROM {Table} WHERE pipeline = {warehouse.Parameter(1)} GROUP BY table_name", [pipeline], cancellationToken);
        return rows.Select(r => ((string)r[0]!, (ulong)Convert.ToInt64(r[1], CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Every table snapshot recorded (not the full-resync marker), as bronze name and snapshot LSN.</summary>
    public async Task<List<(string Table, ulong Lsn)>> RecordedAsync(CancellationToken cancellationToken)
    {
        var rows = await warehouse.QueryAsync(
            $"SELECT table_name, snapshot_lsn FROM {Table} WHERE pipeline = {warehouse.Parameter(1)} AND table_name <> {warehouse.Parameter(2)}",
            [pipeline, FullResyncMarker], cancellationToken);
        return rows.Select(r => ((string)r[0]!, (ulong)Convert.ToInt64(r[1], CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>The consistent point of a full resync that began and whose checkpoint was never written; null when none is pending.</summary>
    public async Task<ulong?> PendingFullResyncAsync(CancellationToken cancellationToken)
    {
        var rows = await warehouse.QueryAsync(
            $"SELECT snapshot_lsn FROM {Table} WHERE pipeline = {warehouse.Parameter(1)} AND table_name = {warehouse.Parameter(2)}",
            [pipeline, FullResyncMarker], cancellationToken);
        return rows.Count == 0 ? null : (ulong)Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture);
    }

    /// <summary>Records, before the copy starts, that a full resync at <paramref name="lsn"/> is under way; <see cref="EndFullResyncAsync"/> removes the record.</summary>
    public Task MarkFullResyncAsync(ulong lsn, CancellationToken cancellationToken) =>
        warehouse.ExecuteAsync(
            $"INSERT INTO {Table} (pipeline, table_name, snapshot_lsn, row_count, completed_at) " +
            $"VALUES ({warehouse.Parameter(1)}, {warehouse.Parameter(2)}, {warehouse.Parameter(3)}, -1, {warehouse.Parameter(4)})",
            [pipeline, FullResyncMarker, (long)lsn, DateTime.UtcNow], cancellationToken);

    /// <summary>Removes the full-resync record in the transaction that writes the resync's checkpoint.</summary>
    public Task EndFullResyncAsync(IWarehouseTransaction transaction, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync(
            $"DELETE FROM {Table} WHERE pipeline = {warehouse.Parameter(1)} AND table_name = {warehouse.Parameter(2)}",
            [pipeline, FullResyncMarker], cancellationToken);

    /// <summary>
    /// Removes the rows and records of a first snapshot that never reached its checkpoint (its exported snapshot is
    /// gone, so it is taken again from the start).
    /// </summary>
    /// <returns>How many tables' rows were removed.</returns>
    public async Task<int> RemovePartialAsync(CancellationToken cancellationToken)
    {
        var partial = await warehouse.QueryAsync(
            $"SELECT table_name, snapshot_lsn FROM {Table} WHERE pipeline = {warehouse.Parameter(1)} AND table_name <> '{FullResyncMarker}'",
            [pipeline], cancellationToken);
        if (partial.Count == 0)
        {
            return 0;
        }

        await using var transaction = await warehouse.BeginAsync(cancellationToken);
        foreach (var row in partial)
        {
            await transaction.ExecuteAsync(
                $"DELETE FROM {warehouse.Qualify(BronzeTable.Schema, (string)row[0]!)} WHERE _op = 'r' AND _lsn = {warehouse.Parameter(1)}",
                [row[1]], cancellationToken);
        }

        await transaction.ExecuteAsync($"DELETE FROM {Table} WHERE pipeline = {warehouse.Parameter(1)}", [pipeline], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return partial.Count;
    }

    /// <summary>
    /// Removes the snapshot rows of bronze table <paramref name="table"/> that no record stands for: a copy in several
    /// transactions (a bounded warehouse) that stopped before its last, whose table is copied again.
    /// </summary>
    public Task RemoveUnrecordedAsync(string table, CancellationToken cancellationToken) =>
        warehouse.ExecuteAsync(
            $"DELETE FROM {warehouse.Qualify(BronzeTable.Schema, table)} WHERE _op = 'r' AND _lsn NOT IN " +
            $"(SELECT snapshot_lsn FROM {Table} WHERE table_name = {warehouse.Parameter(1)})",
            [table], cancellationToken);
}
