using System.Diagnostics;
using Npgsql;
using Strata.Ingestion.Bronze;
using Strata.Ingestion.Catalog;
using Strata.Ingestion.Progress;
using Strata.Ingestion.Resync;
using Strata.Output;
using Strata.Source.Schema;

namespace Strata.Ingestion.Snapshot;

/// <summary>
/// Copies every published table into bronze as <c>_op = 'r'</c> rows, inside the slot's exported snapshot, so that
/// the stream that follows from the slot's consistent point has no gap and no overlap. A large table goes in block
/// ranges, each committed with its record, so a copy that is stopped goes on at the range in flight (docs/ingestion.md).
/// </summary>
/// <param name="writer">Writes bronze.</param>
/// <param name="sourceConnectionString">The CDC login's connection.</param>
/// <param name="pipeline">Names the snapshot records.</param>
/// <param name="console">Progress and results.</param>
/// <param name="phase">Told when a snapshot starts and as each range and table commits.</param>
/// <param name="threads">
/// Copies (ranges or whole tables) under way at once, over all tables, where the warehouse takes parallel writers: one
/// limit, so several tables of several ranges never take more than this many readers (each table in progress also keeps
/// the connection that holds its lock).
/// </param>
/// <param name="pause">Waited after every 1,000 rows copied: zero except where a test needs a snapshot that lasts.</param>
/// <param name="rangeRows">Rows per block range (about); 0 copies each table in one piece.</param>
internal sealed class Snapshotter(
    BronzeWriter writer, string sourceConnectionString, string pipeline, IStrataConsole console, PhaseReporter phase, int threads = 1, TimeSpan pause = default,
    long rangeRows = 0)
{
    /// <summary>Where <see cref="ChangeMetadata.Boxed"/> keeps <c>_seq</c>.</summary>
    private const int SequenceSlot = 2;

    private SnapshotRecords Records { get; } = new(writer.Warehouse, pipeline);

    /// <summary>How many copies may run at once: the threads given where the engine takes parallel writers, else one.</summary>
    private int Parallelism { get; } = writer.Warehouse.Capabilities.ParallelWriters ? Math.Max(1, threads) : 1;

    /// <summary>Copies <paramref name="tables"/> as of snapshot <paramref name="snapshotName"/>, recording each table as done in the same transaction as its (last) rows.</summary>
    /// <param name="snapshotName">The exported snapshot.</param>
    /// <param name="lsn">Its consistent point: the <c>_lsn</c> of every row of a table copied anew.</param>
    /// <param name="tables">The tables to copy.</param>
    /// <param name="streamFrom">
    /// Where the stream that follows starts. A table whose earlier copy stopped after some of its ranges, stamped at or
    /// after this point, is completed under that stamp (the stream brings every change since, which orders after its
    /// rows); one stamped before it is discarded and copied anew.
    /// </param>
    /// <param name="cancellationToken">Cancels the copy; a range not finished leaves nothing behind.</param>
    /// <param name="replaceIncompatible">Resync: a bronze table that cannot hold the table's current columns is set aside and started anew.</param>
    /// <returns>The rows copied, and the <c>_lsn</c> each table's rows carry.</returns>
    public async Task<SnapshotResult> RunAsync(
        string snapshotName, ulong lsn, IReadOnlyList<SourceTable> tables, ulong streamFrom, CancellationToken cancellationToken, bool replaceIncompatible = false)
    {
        long total = 0;
        var stamps = new System.Collections.Concurrent.ConcurrentDictionary<string, ulong>(StringComparer.Ordinal);
        phase.SnapshotStarted(lsn, tables.Count);
        var unfinished = (await Records.RangesAsync(cancellationToken)).ToLookup(r => r.Table, StringComparer.Ordinal);
        // Every copy imports the same exported snapshot; an engine with one writer (DuckDB) takes the tables in turn.
        // Tables and their ranges share one set of slots, so parallel ranges of parallel tables stay within the limit.
        using var slots = new SemaphoreSlim(Parallelism);
        await console.RunWithProgressAsync(async board =>
        {
            var estimates = await EstimateRowsAsync(tables, cancellationToken);
            var tasks = tables.ToDictionary(t => t.BronzeName, t => board.Add($"snapshot {t.DisplayName}", estimates.GetValueOrDefault(t.DisplayName)));
            // Largest tables first, so parallel copies finish together.
            var ordered = tables.OrderByDescending(t => estimates.GetValueOrDefault(t.DisplayName)).ToList();
            await Parallel.ForEachAsync(ordered, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (table, token) =>
            {
                try
                {
                    var copy = new TableCopy(table, [.. unfinished[table.BronzeName]], lsn, streamFrom, tasks[table.BronzeName]);
                    var rows = await CopyTableAsync(snapshotName, copy, slots, replaceIncompatible, token);
                    stamps[table.BronzeName] = copy.Stamp;
                    Interlocked.Add(ref total, rows);
                }
                catch (Exception ex) when (ex is IngestionException or Warehouse.WarehouseException { IsTransient: false, InUse: false } && !token.IsCancellationRequested)
                {
                    // A value this table's snapshot cannot land (or a column bronze cannot hold): nothing of the range
                    // in flight was committed. It is quarantined rather than stopping every other table.
                    await writer.Quarantine.HoldFailedSnapshotAsync(table, lsn, ex.Message, token);
                    console.Warning(
                        $"{table.DisplayName} is quarantined: its snapshot failed ({ex.Message}). Every other table goes on; its changes wait in " +
                        $"{MetadataTables.Schema}.{Quarantine.Table}, and the next `strata ingest` takes its snapshot again — fix the value at the source first");
                }

                phase.TableDone();
            });
        });
        phase.SnapshotFinished();
        return new SnapshotResult(total, stamps);
    }

    private async Task<long> CopyTableAsync(string snapshotName, TableCopy copy, SemaphoreSlim slots, bool replaceIncompatible, CancellationToken cancellationToken)
    {
        var table = copy.Table;
        var bronze = await writer.EnsureTableAsync(table, followSource: true, cancellationToken, replaceIncompatible);
        await using var source = await SnapshotReader.OpenAsync(sourceConnectionString, snapshotName, cancellationToken);
        var clock = Stopwatch.StartNew();
        var budget = writer.Budget();
        long count;
        if (budget is not null)
        {
            count = await InSlotAsync(slots, () => CopyInChunksAsync(source, copy, bronze, budget, cancellationToken), cancellationToken);
        }
        else
        {
            var layout = rangeRows > 0 ? await source.LayoutAsync(table, cancellationToken) : null;
            var ranges = copy.Plan(layout, rangeRows);
            copy.Progress.Increment(copy.Committed);
            if (copy.Discards)
            {
                // In a transaction of its own: once it commits the table simply has no copy under way.
                await using var discard = await writer.Warehouse.BeginAsync(cancellationToken);
                await Records.DiscardRangesAsync(discard, table.BronzeName, cancellationToken);
                await discard.CommitAsync(cancellationToken);
            }

            // Every range but the last, each in a slot, on a connection of its own where copies run at once (each
            // importing the same snapshot; the table's lock stays with this one); then the last, with the table's record.
            long inRanges = 0;
            await Parallel.ForEachAsync(ranges.Take(ranges.Count - 1), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, (range, token) =>
                new ValueTask(InSlotAsync(slots, async () =>
                {
                    await using var own = Parallelism > 1 ? await SnapshotReader.OpenAsync(sourceConnectionString, snapshotName, token) : null;
                    var rows = await CopyRangeAsync(own ?? source, copy, range, bronze, (transaction, rows) =>
                        Records.RecordRangeAsync(transaction, table.BronzeName, copy.Stamp, range, rows, layout!.Token, token), token);
                    Interlocked.Add(ref inRanges, rows);
                    phase.RangeDone();
                    return rows;
                }, token)));
            count = copy.Committed + inRanges;
            count += await InSlotAsync(slots, () => CopyRangeAsync(source, copy, ranges[^1], bronze, (transaction, rows) =>
                CompleteAsync(transaction, table, copy.Stamp, count + rows, cancellationToken), cancellationToken), cancellationToken);
        }

        writer.Quarantine.Release(table.BronzeName);
        var copied = count - copy.Committed;
        console.Info($"snapshot {table.DisplayName}: {copied:N0} rows in {clock.Elapsed.TotalSeconds:0.0} s ({copied / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):N0} rows/s)" +
            (copy.Committed > 0 ? $", after {copy.Committed:N0} rows an earlier run committed" : ""));
        return copied;
    }

    /// <summary>Runs one copy once a slot is free, and frees it after.</summary>
    private static async Task<long> InSlotAsync(SemaphoreSlim slots, Func<Task<long>> copy, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken);
        try
        {
            return await copy();
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>
    /// Where the engine bounds a transaction, the table goes in several (ChunkedWrite), its record with the last: rows of
    /// an earlier copy that never got its record are removed first, so a copy taken again is not doubled.
    /// </summary>
    private async Task<long> CopyInChunksAsync(SnapshotReader source, TableCopy copy, BronzeTable bronze, TransactionBudget budget, CancellationToken cancellationToken)
    {
        var table = copy.Table;
        copy.Plan(null, 0);
        await Records.RemoveUnrecordedAsync(bronze.Name, cancellationToken);
        await using var chunks = new ChunkedWrite(writer.Warehouse, budget);
        var count = await CopyRowsAsync(source, copy, BlockRange.All, bronze, (values, row) => new ValueTask(chunks.AppendAsync(
            BronzeTable.Schema, bronze.Name, bronze.Columns, values, () => $"row {row + 1} of the snapshot of {table.DisplayName}", cancellationToken)), cancellationToken);
        await chunks.CommitAsync(last => CompleteAsync(last, table, copy.Stamp, count, cancellationToken), cancellationToken);
        return count;
    }

    /// <summary>One range in a warehouse transaction of its own, committed with what <paramref name="complete"/> adds (the range's record, or the table's).</summary>
    private async Task<long> CopyRangeAsync(
        SnapshotReader source, TableCopy copy, BlockRange range, BronzeTable bronze, Func<Warehouse.IWarehouseTransaction, long, Task> complete, CancellationToken cancellationToken)
    {
        await using var transaction = await writer.Warehouse.BeginAsync(cancellationToken);
        long rows;
        await using (var appender = await transaction.AppendAsync(BronzeTable.Schema, bronze.Name, bronze.Columns, cancellationToken))
        {
            rows = await CopyRowsAsync(source, copy, range, bronze, (values, _) =>
            {
                appender.Append(values);
                return ValueTask.CompletedTask;
            }, cancellationToken);
            await appender.CompleteAsync(cancellationToken);
        }

        await complete(transaction, rows);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary>Reads the rows of <paramref name="range"/> and hands each to <paramref name="append"/> as a bronze row (with its number in the range), numbered by <see cref="TableCopy.NextSequence"/>.</summary>
    private async Task<long> CopyRowsAsync(
        SnapshotReader source, TableCopy copy, BlockRange range, BronzeTable bronze, Func<object?[], long, ValueTask> append, CancellationToken cancellationToken)
    {
        var table = copy.Table;
        var map = bronze.MapFrom(table);
        var values = new object?[bronze.Columns.Count];
        var row = new object?[table.Columns.Count];
        var snapshotTime = DateTime.UtcNow;
        // The same for every row but the sequence, so boxed once.
        var metadata = new ChangeMetadata('r', copy.Stamp, 0, null, snapshotTime, snapshotTime).Boxed();
        long count = 0;
        await using var exporter = await source.ExportAsync(table, range, cancellationToken);
        while (exporter.StartRow() != -1)
        {
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = ValueConversion.Read(exporter, table.Columns[i], table);
            }

            metadata[SequenceSlot] = copy.NextSequence();
            bronze.Fill(values, map, row, metadata);
            await append(values, count);
            count++;
            if (pause > TimeSpan.Zero && count % 1_000 == 0)
            {
                await Task.Delay(pause, cancellationToken);
            }

            if (count % 10_000 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                copy.Progress.Increment(10_000);
            }
        }

        copy.Progress.Increment(count % 10_000);
        return count;
    }

    /// <summary>
    /// The table's record as snapshotted (its range records gone with it), and its held changes resolved, in the
    /// transaction with its (last) rows.
    /// </summary>
    private async Task CompleteAsync(Warehouse.IWarehouseTransaction transaction, SourceTable table, ulong lsn, long count, CancellationToken cancellationToken)
    {
        await Records.RecordTableAsync(transaction, table.BronzeName, lsn, count, cancellationToken);
        // A quarantined table's held changes are all older than this snapshot, which holds their outcome.
        await writer.Quarantine.ResolveAsync(transaction, table.BronzeName, lsn, DateTime.UtcNow, cancellationToken);
    }

    private async Task<Dictionary<string, long>> EstimateRowsAsync(IReadOnlyList<SourceTable> tables, CancellationToken cancellationToken)
    {
        await using var source = new NpgsqlConnection(sourceConnectionString);
        await source.OpenAsync(cancellationToken);
        var estimates = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass($1)", source);
            command.Parameters.Add(new NpgsqlParameter { Value = $"{Sql.Qualified(table.Schema, table.Name)}" });
            estimates[table.DisplayName] = await command.ExecuteScalarAsync(cancellationToken) is long n ? n : 0;
        }

        return estimates;
    }
}
