using System.Globalization;
using Strata.Ingestion.Bronze;
using Strata.Ingestion.Snapshot;
using Strata.Warehouse;
using Strata.Warehouse.Metadata;

namespace Strata.Ingestion.Resync;

/// <summary>
/// <c>_strata.snapshots</c> of one pipeline: a row per table snapshot, committed with the snapshot's rows (a table is
/// snapshotted only once its row is there), and a marker row while a full resync is under way; and
/// <c>_strata.snapshot_ranges</c>: the block ranges committed of table snapshots still under way.
/// </summary>
internal sealed class SnapshotRecords(IWarehouse warehouse, string pipeline)
{
    /// <summary>The row that stands for a full resync under way (no table has this name).</summary>
    private const string FullResyncMarker = "*";

    private string Table => StrataSchema.Snapshots.Qualified(warehouse);

    private string Ranges => StrataSchema.SnapshotRanges.Qualified(warehouse);

    /// <summary>The ranges committed of every table snapshot under way.</summary>
    public async Task<List<RangeRecord>> RangesAsync(CancellationToken cancellationToken)
    {
        var rows = await warehouse.QueryAsync(
            $"SELECT table_name, snapshot_lsn, first_block, end_block, row_count, layout FROM {Ranges} WHERE pipeline = {warehouse.Parameter(1)} ORDER BY table_name, first_block",
            [pipeline], cancellationToken);
        return rows.Select(r => new RangeRecord(
            (string)r[0]!, (ulong)Number(r[1]), new BlockRange(Number(r[2]), r[3] is null ? null : Number(r[3])), Number(r[4]), (string)r[5]!)).ToList();
    }

    /// <summary>Records a range of table <paramref name="table"/>'s snapshot as committed, in the transaction with its rows.</summary>
    public Task RecordRangeAsync(IWarehouseTransaction transaction, string table, ulong lsn, BlockRange range, long rows, string layout, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync(StrataSchema.SnapshotRanges.InsertSql(warehouse), [pipeline, table, (long)lsn, range.First, range.End, rows, layout, DateTime.UtcNow], cancellationToken);

    /// <summary>Removes the rows and range records of an earlier, unfinished copy of <paramref name="table"/>, which is copied anew.</summary>
    public async Task DiscardRangesAsync(IWarehouseTransaction transaction, string table, CancellationToken cancellationToken)
    {
        await transaction.ExecuteAsync(
            $"DELETE FROM {warehouse.Qualify(BronzeTable.Schema, table)} WHERE _op = 'r' AND _lsn IN " +
            $"(SELECT snapshot_lsn FROM {Ranges} WHERE pipeline = {warehouse.Parameter(1)} AND table_name = {warehouse.Parameter(2)})",
            [pipeline, table], cancellationToken);
        await DeleteRangesAsync(transaction, table, cancellationToken);
    }

    /// <summary>Records <paramref name="table"/>'s snapshot at <paramref name="lsn"/> as done (its range records go), in the transaction with its last rows.</summary>
    public async Task RecordTableAsync(IWarehouseTransaction transaction, string table, ulong lsn, long rows, CancellationToken cancellationToken)
    {
        await transaction.ExecuteAsync(StrataSchema.Snapshots.InsertSql(warehouse), [pipeline, table, (long)lsn, rows, DateTime.UtcNow], cancellationToken);
        await DeleteRangesAsync(transaction, table, cancellationToken);
    }

    private Task DeleteRangesAsync(IWarehouseTransaction transaction, string table, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync(
            $"DELETE FROM {Ranges} WHERE pipeline = {warehouse.Parameter(1)} AND table_name = {warehouse.Parameter(2)}", [pipeline, table], cancellationToken);

    private static long Number(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

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
        return rows.Select(r => ((string)r[0]!, (ulong)Number(r[1]))).ToList();
    }

    /// <summary>Every table snapshot recorded (not the full-resync marker), as bronze name and snapshot LSN.</summary>
    public async Task<List<(string Table, ulong Lsn)>> RecordedAsync(CancellationToken cancellationToken)
    {
        var rows = await warehouse.QueryAsync(
            $"SELECT table_name, snapshot_lsn FROM {Table} WHERE pipeline = {warehouse.Parameter(1)} AND table_name <> {warehouse.Parameter(2)}",
            [pipeline, FullResyncMarker], cancellationToken);
        return rows.Select(r => ((string)r[0]!, (ulong)Number(r[1]))).ToList();
    }

    /// <summary>The consistent point of a full resync that began and whose checkpoint was never written; null when none is pending.</summary>
    public async Task<ulong?> PendingFullResyncAsync(CancellationToken cancellationToken)
    {
        var rows = await warehouse.QueryAsync(
            $"SELECT snapshot_lsn FROM {Table} WHERE pipeline = {warehouse.Parameter(1)} AND table_name = {warehouse.Parameter(2)}",
            [pipeline, FullResyncMarker], cancellationToken);
        return rows.Count == 0 ? null : (ulong)Number(rows[0][0]);
    }

    /// <summary>Records, before the copy starts, that a full resync at <paramref name="lsn"/> is under way; <see cref="EndFullResyncAsync"/> removes the record.</summary>
    public Task MarkFullResyncAsync(ulong lsn, CancellationToken cancellationToken) =>
        warehouse.ExecuteAsync(StrataSchema.Snapshots.InsertSql(warehouse), [pipeline, FullResyncMarker, (long)lsn, -1L, DateTime.UtcNow], cancellationToken);

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
            $"SELECT table_name, snapshot_lsn FROM {Table} WHERE pipeline = {warehouse.Parameter(1)} AND table_name <> '{FullResyncMarker}' " +
            $"UNION SELECT table_name, snapshot_lsn FROM {Ranges} WHERE pipeline = {warehouse.Parameter(2)}",
            [pipeline, pipeline], cancellationToken);
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
        await transaction.ExecuteAsync($"DELETE FROM {Ranges} WHERE pipeline = {warehouse.Parameter(1)}", [pipeline], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return partial.Select(r => (string)r[0]!).Distinct().Count();
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

/// <summary>A committed range of a table snapshot under way.</summary>
/// <param name="Table">The bronze table.</param>
/// <param name="Lsn">The <c>_lsn</c> its rows carry.</param>
/// <param name="Range">Its blocks.</param>
/// <param name="Rows">Rows it holds.</param>
/// <param name="Layout">The table's layout it was read under (<see cref="TableLayout.Token"/>).</param>
internal sealed record RangeRecord(string Table, ulong Lsn, BlockRange Range, long Rows, string Layout);
