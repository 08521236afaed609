using Strata.Ingestion.Catalog;
using Strata.Output;
using Strata.Warehouse;

namespace Strata.Ingestion.Bronze;

/// <summary>
/// Keeps the bronze tables in step with the source tables and appends batches of changes together with the
/// pipeline's checkpoint, in one warehouse transaction, or where the engine bounds a transaction's size in several,
/// only the last with the checkpoint (<see cref="ChunkedWrite"/>, <see cref="ReplayGuard"/>).
/// </summary>
internal sealed class BronzeWriter
{
    private readonly IWarehouse _warehouse;
    private readonly string _pipeline;
    private readonly string _slot;
    private readonly IStrataConsole _console;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, BronzeTable> _tables = new(StringComparer.Ordinal);
    private readonly ReplayGuard _replay;
    private ulong? _committed; // the checkpoint as this writer last knew it committed, for the replay guard

    private BronzeWriter(IWarehouse warehouse, string pipeline, string slot, IStrataConsole console, Quarantine quarantine)
    {
        _warehouse = warehouse;
        _pipeline = pipeline;
        _slot = slot;
        _console = console;
        Quarantine = quarantine;
        _replay = new ReplayGuard(warehouse, pipeline);
    }

    public IWarehouse Warehouse => _warehouse;

    /// <summary>Tables whose changes go to the dead-letter table instead of bronze.</summary>
    public Quarantine Quarantine { get; }

    /// <summary>A writer for <paramref name="pipeline"/>, knowing which of its tables are quarantined (the metadata tables must exist).</summary>
    public static async Task<BronzeWriter> OpenAsync(IWarehouse warehouse, string pipeline, string slot, IStrataConsole console, CancellationToken cancellationToken) =>
        new(warehouse, pipeline, slot, console, await Quarantine.LoadAsync(warehouse, pipeline, cancellationToken));

    /// <summary>The last source LSN whose changes are all in bronze, or null before the first checkpoint.</summary>
    public async Task<ulong?> ReadCheckpointAsync(CancellationToken cancellationToken)
    {
        var rows = await _warehouse.QueryAsync(
            $"SELECT confirmed_lsn FROM {_warehouse.Qualify(MetadataTables.Schema, "checkpoints")} WHERE pipeline = {_warehouse.Parameter(1)}",
            [_pipeline], cancellationToken);
        return rows.Count == 0 || rows[0][0] is null ? null : (ulong)Convert.ToInt64(rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Creates the bronze table of <paramref name="table"/>, or brings it up to date with the source's columns.</summary>
    /// <param name="table">The source table as the stream (or the snapshot) sees it.</param>
    /// <param name="followSource">False to leave an existing bronze table as it is (the catalog may be ahead of the stream).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <param name="replaceIncompatible">Set aside a bronze table that cannot hold a changed column type (resync) instead of failing.</param>
    public async Task<BronzeTable> EnsureTableAsync(SourceTable table, bool followSource, CancellationToken cancellationToken, bool replaceIncompatible = false)
    {
        if (replaceIncompatible && await IncompatibleColumnAsync(table, cancellationToken) is { } changed)
        {
            var archived = $"{table.BronzeName}__before_{DateTime.UtcNow:yyyyMMddHHmmss}";
            await _warehouse.ExecuteAsync($"ALTER TABLE {_warehouse.Qualify(BronzeTable.Schema, table.BronzeName)} RENAME TO {_warehouse.Quote(archived)}",
                cancellationToken: cancellationToken);
            await _warehouse.ExecuteAsync(
                $"DELETE FROM {_warehouse.Qualify(MetadataTables.Schema, "bronze_columns")} WHERE table_name = {_warehouse.Parameter(1)}", [table.BronzeName], cancellationToken);
            _console.Warning($"{table.DisplayName}: column {changed} changed type incompatibly; the old changelog is kept as bronze.{archived}, a new one starts with this snapshot");
        }

        var existing = await _warehouse.GetColumnsAsync(BronzeTable.Schema, table.BronzeName, cancellationToken);
        if (existing is not null && !followSource)
        {
            return _tables[table.BronzeName] = new BronzeTable(table.BronzeName, existing);
        }

        var (known, droppedBefore) = await KnownSourceTypesAsync(table, cancellationToken);
        if (existing is null)
        {
            var columns = table.Columns.Select(c => new WarehouseColumn(c.Name, c.Type)).Concat(BronzeTable.MetadataColumns).ToList();
            await _warehouse.CreateTableAsync(BronzeTable.Schema, table.BronzeName, columns, cancellationToken);
        }
        else
        {
            var names = existing.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var column in table.Columns)
            {
                if (!names.Contains(column.Name))
                {
                    await _warehouse.AddColumnAsync(BronzeTable.Schema, table.BronzeName, new WarehouseColumn(column.Name, column.Type), cancellationToken);
                    _console.Info($"{table.DisplayName}: new column {column.Name} ({column.SourceType}) added to bronze");
                }
                else if (known.TryGetValue(column.Name, out var before) && before != column.SourceType)
                {
                    if (!IsWidening(before, column.SourceType))
                    {
                        throw new IngestionException(
                            $"column {column.Name} of {table.DisplayName} changed type from {before} to {column.SourceType}, which bronze cannot hold in one column; " +
                            $"run `strata ingest --resync {table.DisplayName}` to take a fresh snapshot of the table");
                    }

                    // smallint → integer, real → double precision: the bronze column widens with it, or the wider
                    // values would be written into the narrow column.
                    if (existing.First(c => c.Name == column.Name).Type.Kind != column.Type.Kind)
                    {
                        await _warehouse.WidenColumnAsync(BronzeTable.Schema, table.BronzeName, new WarehouseColumn(column.Name, column.Type), cancellationToken);
                        _console.Info($"{table.DisplayName}: column {column.Name} widened to {column.SourceType} in bronze");
                    }
                }
            }

            foreach (var gone in known.Keys.Where(k => table.Columns.All(c => c.Name != k) && !droppedBefore.Contains(k)))
            {
                _console.Warning($"{table.DisplayName}: column {gone} was dropped at the source; bronze keeps it, null from now on");
            }
        }

        await RecordSourceTypesAsync(table, known.Keys.Where(k => table.Columns.All(c => c.Name != k)).ToList(), cancellationToken);
        var bronze = new BronzeTable(table.BronzeName, (await _warehouse.GetColumnsAsync(BronzeTable.Schema, table.BronzeName, cancellationToken))!);
        _tables[table.BronzeName] = bronze;
        return bronze;
    }

    /// <summary>
    /// Whether bronze already holds <paramref name="table"/> as it is, so that <see cref="EnsureTableAsync"/> following
    /// it would change nothing: every column there, recorded with the same source type and not as dropped, and no
    /// recorded column the table lacks that is not already recorded as dropped.
    /// </summary>
    public async Task<bool> HoldsAsync(SourceTable table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (await _warehouse.GetColumnsAsync(BronzeTable.Schema, table.BronzeName, cancellationToken) is not { } existing)
        {
            return false;
        }

        var (known, dropped) = await KnownSourceTypesAsync(table, cancellationToken);
        var names = existing.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var columns = table.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return table.Columns.All(c => names.Contains(c.Name) && known.GetValueOrDefault(c.Name) == c.SourceType && !dropped.Contains(c.Name))
            && known.Keys.All(k => columns.Contains(k) || dropped.Contains(k));
    }

    /// <summary>Appends <paramref name="changes"/> and moves the checkpoint to <paramref name="checkpoint"/>, atomically.</summary>
    public Task<long> WriteAsync(IReadOnlyList<Change> changes, ulong checkpoint, CancellationToken cancellationToken) =>
        WriteAsync([changes], checkpoint, cancellationToken);

    /// <summary>
    /// Appends every part (read one at a time, so a large transaction never sits whole in memory) and moves the
    /// checkpoint, atomically. Changes of quarantined tables, and a table's changes from the first one that cannot be
    /// converted, go to the dead-letter table in the same transaction.
    /// </summary>
    /// <returns>The number of changes written to bronze.</returns>
    /// <param name="parts">The changes, in source order.</param>
    /// <param name="checkpoint">The checkpoint they take bronze to.</param>
    /// <param name="cancellationToken">Cancels the write; nothing of it is committed.</param>
    /// <param name="failing">Changes of <paramref name="parts"/> known to fail before they are read (a spilled transaction's), so no earlier part lands what their transaction holds of their table.</param>
    public async Task<long> WriteAsync(IEnumerable<IReadOnlyList<Change>> parts, ulong checkpoint, CancellationToken cancellationToken, IEnumerable<Change>? failing = null)
    {
        var ingestedAt = DateTime.UtcNow;
        var newly = (failing ?? []).GroupBy(c => c.Table.BronzeName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var written = TransactionBudget.For(_warehouse, CheckpointReserve) is { } budget
            ? await WriteInChunksAsync(parts, checkpoint, newly, ingestedAt, budget, cancellationToken)
            : await WriteInOneAsync(parts, checkpoint, newly, ingestedAt, cancellationToken);
        foreach (var first in Quarantine.Hold(newly.Values))
        {
            _console.Warning(
                $"{first.Table.DisplayName} is quarantined from LSN {new NpgsqlTypes.NpgsqlLogSequenceNumber(first.Lsn)}: {first.Error}. " +
                $"Its changes are kept in {MetadataTables.Schema}.{Quarantine.Table} and every other table goes on; fix the value at the source, " +
                $"then run `strata ingest --resync {first.Table.DisplayName}`");
        }

        return written;
    }

    /// <summary>Transactions a bounded engine takes (<see cref="TransactionBudget"/>) past which a write is split, null when unbounded.</summary>
    public TransactionBudget? Budget() => TransactionBudget.For(_warehouse, CheckpointReserve);

    // Room kept in a bounded transaction for what surrounds the rows: the checkpoint (or a snapshot's record), BEGIN and COMMIT.
    private long CheckpointReserve => 4096 + 2L * (System.Text.Encoding.UTF8.GetByteCount(CheckpointSql) + _pipeline.Length + _slot.Length);

    private string CheckpointSql => _warehouse.UpsertSql(MetadataTables.Schema, "checkpoints", ["pipeline", "slot", "confirmed_lsn", "updated_at"], ["pipeline"]);

    /// <summary>Every part in one warehouse transaction, streamed into it part by part.</summary>
    private async Task<long> WriteInOneAsync(
        IEnumerable<IReadOnlyList<Change>> parts, ulong checkpoint, Dictionary<string, Change> newly, DateTime ingestedAt, CancellationToken cancellationToken)
    {
        long written = 0;
        var metadata = new StreamMetadata(ingestedAt);
        await using var transaction = await _warehouse.BeginAsync(cancellationToken);
        foreach (var part in parts)
        {
            var (changes, held) = Quarantine.Split(MarkRefused(part), newly);
            foreach (var group in ByTable(changes))
            {
                var bronze = _tables[group.Key];
                await using var appender = await transaction.AppendAsync(BronzeTable.Schema, bronze.Name, bronze.Columns, cancellationToken);
                var values = new object?[bronze.Columns.Count];
                foreach (var change in group)
                {
                    bronze.Fill(values, change.Values, metadata.Of(change));
                    appender.Append(values);
                }

                await appender.CompleteAsync(cancellationToken);
            }

            if (held.Count > 0)
            {
                await Quarantine.AppendAsync(transaction, held, ingestedAt, cancellationToken);
            }

            written += changes.Count;
        }

        await WriteCheckpointAsync(transaction, checkpoint, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    /// <summary>
    /// The parts in as many warehouse transactions as the engine's bound needs, only the last with the checkpoint. Each
    /// table's changes go in in source order, so what an interrupted write leaves of a table is a prefix of its
    /// changes, which the replay skips (<see cref="ReplayGuard"/>).
    /// </summary>
    private async Task<long> WriteInChunksAsync(
        IEnumerable<IReadOnlyList<Change>> parts, ulong checkpoint, Dictionary<string, Change> newly, DateTime ingestedAt, TransactionBudget budget, CancellationToken cancellationToken)
    {
        long written = 0;
        var metadata = new StreamMetadata(ingestedAt);
        try
        {
            _committed ??= await ReadCheckpointAsync(cancellationToken) ?? 0;
            await using var write = new ChunkedWrite(_warehouse, budget);
            foreach (var part in parts)
            {
                // Split before skipping: a failing change an interrupted write already held still quarantines its table's later changes.
                var (changes, held) = Quarantine.Split(MarkRefused(part), newly);
                await _replay.LearnAsync(part.Select(c => c.Table.BronzeName), _tables.ContainsKey, _committed.Value, cancellationToken);
                foreach (var group in changes.Where(c => !_replay.Written(c)).GroupBy(c => c.Table.BronzeName))
                {
                    var bronze = _tables[group.Key];
                    foreach (var change in group)
                    {
                        var values = new object?[bronze.Columns.Count];
                        bronze.Fill(values, change.Values, metadata.Of(change));
                        await write.AppendAsync(BronzeTable.Schema, bronze.Name, bronze.Columns, values, () => Describe(change), cancellationToken);
                        written++;
                    }
                }

                foreach (var change in held.Where(c => !_replay.Written(c)))
                {
                    await write.AppendAsync(MetadataTables.Schema, Quarantine.Table, Quarantine.Columns, Quarantine.Row(change, ingestedAt), () => Describe(change), cancellationToken);
                }
            }

            await write.CommitAsync(transaction => WriteCheckpointAsync(transaction, checkpoint, cancellationToken), cancellationToken);
            _committed = checkpoint;
            if (write.Committed > 0)
            {
                _console.Info($"{written:N0} changes up to LSN {new NpgsqlTypes.NpgsqlLogSequenceNumber(checkpoint)} written in {write.Committed + 1} {_warehouse.Engine} transactions, the checkpoint with the last");
            }
        }
        catch
        {
            // How much of the write landed is not known here: the next write asks the warehouse again.
            _committed = null;
            _replay.Forget();
            throw;
        }

        return written;
    }

    /// <summary>The changes by bronze table; most batches hold one table's, which need no grouping.</summary>
    private static IEnumerable<IGrouping<string, Change>> ByTable(IReadOnlyList<Change> changes)
    {
        var table = changes.Count > 0 ? changes[0].Table : null;
        for (var i = 1; i < changes.Count && table is not null; i++)
        {
            if (!ReferenceEquals(changes[i].Table, table) && changes[i].Table.BronzeName != table.BronzeName)
            {
                table = null;
            }
        }

        return table is null ? changes.GroupBy(c => c.Table.BronzeName, StringComparer.Ordinal) : [new OneTable(table.BronzeName, changes)];
    }

    /// <summary>A batch of one table's changes, as the one group of itself.</summary>
    private sealed class OneTable(string bronzeName, IReadOnlyList<Change> changes) : IGrouping<string, Change>
    {
        public string Key => bronzeName;

        public IEnumerator<Change> GetEnumerator() => changes.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static string Describe(Change change) =>
        $"a change of {change.Table.DisplayName} at LSN {new NpgsqlTypes.NpgsqlLogSequenceNumber(change.Lsn)} (#{change.Sequence})";

    /// <summary>The changes with those whose values their bronze table cannot hold marked as failing.</summary>
    private IReadOnlyList<Change> MarkRefused(IReadOnlyList<Change> changes)
    {
        List<Change>? marked = null;
        (SourceTable Source, BronzeTable Bronze)? last = null;
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            if (last is not { } known || !ReferenceEquals(known.Source, change.Table))
            {
                last = known = (change.Table, _tables[change.Table.BronzeName]);
            }

            if (change.Error is null && known.Bronze.Refuses(change) is { } why)
            {
                marked ??= [.. changes];
                marked[i] = change with { Error = why };
            }
        }

        return marked ?? changes;
    }

    /// <summary>Writes the checkpoint row inside <paramref name="transaction"/>.</summary>
    public Task WriteCheckpointAsync(IWarehouseTransaction transaction, ulong checkpoint, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync(
            CheckpointSql,
            [_pipeline, _slot, (long)checkpoint, DateTime.UtcNow],
            cancellationToken);

    private async Task<string?> IncompatibleColumnAsync(SourceTable table, CancellationToken cancellationToken)
    {
        var (known, _) = await KnownSourceTypesAsync(table, cancellationToken);
        return table.Columns.FirstOrDefault(c => known.TryGetValue(c.Name, out var before) && before != c.SourceType && !IsWidening(before, c.SourceType))?.Name;
    }

    private async Task<(Dictionary<string, string> Types, HashSet<string> Dropped)> KnownSourceTypesAsync(SourceTable table, CancellationToken cancellationToken)
    {
        var rows = await _warehouse.QueryAsync(
            $"SELECT column_name, source_type, dropped FROM {_warehouse.Qualify(MetadataTables.Schema, "bronze_columns")} WHERE table_name = {_warehouse.Parameter(1)}",
            [table.BronzeName], cancellationToken);
        return (rows.ToDictionary(r => (string)r[0]!, r => (string)r[1]!, StringComparer.Ordinal),
            rows.Where(r => r[2] is true).Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal));
    }

    private async Task RecordSourceTypesAsync(SourceTable table, IReadOnlyList<string> dropped, CancellationToken cancellationToken)
    {
        await using var transaction = await _warehouse.BeginAsync(cancellationToken);
        foreach (var column in table.Columns)
        {
            await transaction.ExecuteAsync(
                _warehouse.UpsertSql(MetadataTables.Schema, "bronze_columns", ["table_name", "column_name", "source_type", "dropped"], ["table_name", "column_name"]),
                [table.BronzeName, column.Name, column.SourceType, false], cancellationToken);
        }

        foreach (var column in dropped)
        {
            await transaction.ExecuteAsync(
                $"UPDATE {_warehouse.Qualify(MetadataTables.Schema, "bronze_columns")} SET dropped = true " +
                $"WHERE table_name = {_warehouse.Parameter(1)} AND column_name = {_warehouse.Parameter(2)}",
                [table.BronzeName, column], cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static bool IsWidening(string before, string after) =>
        (before, after) switch
        {
            ("smallint", "integer" or "bigint") => true,
            ("integer", "bigint") => true,
            ("real", "double precision") => true,
            _ when before.StartsWith("character varying", StringComparison.Ordinal) && (after == "text" || after.StartsWith("character varying", StringComparison.Ordinal)) => true,
            _ => false,
        };
}
