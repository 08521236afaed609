using System.Diagnostics;
using Npgsql;
using Strata.Ingestion.Bronze;
using Strata.Ingestion.Catalog;
using Strata.Ingestion.Progress;
using Strata.Output;
using Strata.Source.Schema;

namespace Strata.Ingestion.Snapshot;

/// <summary>
/// Copies every published table into bronze as <c>_op = 'r'</c> rows, inside the slot's exported snapshot, so that
/// the stream that follows from the slot's consistent point has no gap and no overlap.
/// </summary>
/// <param name="writer">Writes bronze.</param>
/// <param name="sourceConnectionString">The CDC login's connection.</param>
/// <param name="pipeline">Names the snapshot records.</param>
/// <param name="console">Progress and results.</param>
/// <param name="phase">Told when a snapshot starts and as each table commits.</param>
/// <param name="threads">Tables copied at once where the warehouse takes parallel writers.</param>
/// <param name="pause">Waited after every 1,000 rows copied: zero except where a test needs a snapshot that lasts.</param>
internal sealed class Snapshotter(
    BronzeWriter writer, string sourceConnectionString, string pipeline, IStrataConsole console, PhaseReporter phase, int threads = 1, TimeSpan pause = default)
{
    /// <summary>Where <see cref="ChangeMetadata.Boxed"/> keeps <c>_seq</c>.</summary>
    private const int SequenceSlot = 2;

    /// <summary>Copies <paramref name="tables"/> as of snapshot <paramref name="snapshotName"/>, recording each table as done in the same transaction as its rows.</summary>
    /// <param name="snapshotName">The exported snapshot.</param>
    /// <param name="lsn">Its consistent point: the <c>_lsn</c> of every row.</param>
    /// <param name="tables">The tables to copy.</param>
    /// <param name="cancellationToken">Cancels the copy; a table not finished leaves nothing behind.</param>
    /// <param name="replaceIncompatible">Resync: a bronze table that cannot hold the table's current columns is set aside and started anew.</param>
    public async Task<long> RunAsync(string snapshotName, ulong lsn, IReadOnlyList<SourceTable> tables, CancellationToken cancellationToken, bool replaceIncompatible = false)
    {
        long total = 0;
        phase.SnapshotStarted(lsn, tables.Count);
        // Every copy imports the same exported snapshot; an engine with one writer (DuckDB) takes the tables in turn.
        var parallel = writer.Warehouse.Capabilities.ParallelWriters ? Math.Max(1, threads) : 1;
        await console.RunWithProgressAsync(async board =>
        {
            var estimates = await EstimateRowsAsync(tables, cancellationToken);
            var tasks = tables.ToDictionary(t => t.BronzeName, t => board.Add($"snapshot {t.DisplayName}", estimates.GetValueOrDefault(t.DisplayName)));
            // Largest tables first, so parallel copies finish together.
            var ordered = tables.OrderByDescending(t => estimates.GetValueOrDefault(t.DisplayName)).ToList();
            await Parallel.ForEachAsync(ordered, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (table, token) =>
            {
                try
                {
                    var rows = await CopyTableAsync(snapshotName, lsn, table, tasks[table.BronzeName], replaceIncompatible, token);
                    Interlocked.Add(ref total, rows);
                }
                catch (Exception ex) when (ex is IngestionException or Warehouse.WarehouseException { IsTransient: false, InUse: false } && !token.IsCancellationRequested)
                {
                    // A value this table's snapshot cannot land (or a column bronze cannot hold): nothing of the table
                    // was committed. It is quarantined rather than stopping every other table.
                    await writer.Quarantine.HoldFailedSnapshotAsync(table, lsn, ex.Message, token);
                    console.Warning(
                        $"{table.DisplayName} is quarantined: its snapshot failed ({ex.Message}). Every other table goes on; its changes wait in " +
                        $"{MetadataTables.Schema}.{Quarantine.Table}, and the next `strata ingest` takes its snapshot again — fix the value at the source first");
                }

                phase.TableDone();
            });
        });
        phase.SnapshotFinished();
        return total;
    }

    private async Task<long> CopyTableAsync(
        string snapshotName, ulong lsn, SourceTable table, IProgressTask progress, bool replaceIncompatible, CancellationToken cancellationToken)
    {
        var bronze = await writer.EnsureTableAsync(table, followSource: true, cancellationToken, replaceIncompatible);
        var warehouse = writer.Warehouse;
        await using var source = await SnapshotReader.OpenAsync(sourceConnectionString, snapshotName, cancellationToken);
        var map = bronze.MapFrom(table);
        var values = new object?[bronze.Columns.Count];
        var row = new object?[table.Columns.Count];
        var snapshotTime = DateTime.UtcNow;
        // The same for every row but the sequence, so boxed once.
        var metadata = new ChangeMetadata('r', lsn, 0, null, snapshotTime, snapshotTime).Boxed();
        long count = 0;
        var clock = Stopwatch.StartNew();

        // Where the engine bounds a transaction, the table goes in several (ChunkedWrite), its record with the last: rows
        // of an earlier copy that never got its record are removed first, so a copy taken again is not doubled.
        var budget = writer.Budget();
        if (budget is not null)
        {
            await new Resync.SnapshotRecords(warehouse, pipeline).RemoveUnrecordedAsync(bronze.Name, cancellationToken);
        }

        await using var chunks = budget is null ? null : new ChunkedWrite(warehouse, budget);
        await using var transaction = budget is null ? await warehouse.BeginAsync(cancellationToken) : null;
        await using (var appender = transaction is null ? null : await transaction.AppendAsync(BronzeTable.Schema, bronze.Name, bronze.Columns, cancellationToken))
        await using (var exporter = await source.ExportAsync(table, cancellationToken))
        {
            while (exporter.StartRow() != -1)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = ValueConversion.Read(exporter, table.Columns[i], table);
                }

                metadata[SequenceSlot] = (int)(count % int.MaxValue);
                bronze.Fill(values, map, row, metadata);
                if (chunks is null)
                {
                    appender!.Append(values);
                }
                else
                {
                    await chunks.AppendAsync(BronzeTable.Schema, bronze.Name, bronze.Columns, values, () => $"row {count + 1} of the snapshot of {table.DisplayName}", cancellationToken);
                }

                count++;
                if (pause > TimeSpan.Zero && count % 1_000 == 0)
                {
                    await Task.Delay(pause, cancellationToken);
                }

                if (count % 10_000 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    progress.Increment(10_000);
                }
            }

            if (appender is not null)
            {
                await appender.CompleteAsync(cancellationToken);
            }
        }

        progress.Increment(count % 10_000);
        if (chunks is null)
        {
            await CompleteAsync(transaction!, table, lsn, count, cancellationToken);
            await transaction!.CommitAsync(cancellationToken);
        }
        else
        {
            await chunks.CommitAsync(last => CompleteAsync(last, table, lsn, count, cancellationToken), cancellationToken);
        }

        writer.Quarantine.Release(table.BronzeName);
        console.Info($"snapshot {table.DisplayName}: {count:N0} rows in {clock.Elapsed.TotalSeconds:0.0} s ({count / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):N0} rows/s)");
        return count;
    }

    /// <summary>The table's record as snapshotted, and its held changes resolved, in the transaction with its (last) rows.</summary>
    private async Task CompleteAsync(Warehouse.IWarehouseTransaction transaction, SourceTable table, ulong lsn, long count, CancellationToken cancellationToken)
    {
        var warehouse = writer.Warehouse;
        await transaction.ExecuteAsync(
            $"INSERT INTO {warehouse.Qualify(MetadataTables.Schema, "snapshots")} (pipeline, table_name, snapshot_lsn, row_count, completed_at) " +
            $"VALUES ({warehouse.Parameter(1)}, {warehouse.Parameter(2)}, {warehouse.Parameter(3)}, {warehouse.Parameter(4)}, {warehouse.Parameter(5)})",
            [pipeline, table.BronzeName, (long)lsn, count, DateTime.UtcNow], cancellationToken);
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
