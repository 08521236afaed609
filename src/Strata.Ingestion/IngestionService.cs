using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;
using Strata.Configuration;
using Strata.Errors;
using Strata.Ingestion.Bronze;
using Strata.Ingestion.Catalog;
using Strata.Ingestion.Ownership;
using Strata.Ingestion.Progress;
using Strata.Ingestion.Snapshot;
using Strata.Ingestion.Streaming;
using Strata.Output;
using Strata.Source;
using Strata.Source.Connection;
using Strata.Warehouse;

namespace Strata.Ingestion;

/// <summary>
/// Change data capture from the source's publication into the warehouse's bronze layer, exactly once:
/// a consistent snapshot through the slot's exported snapshot, then the pgoutput stream from its consistent point.
/// </summary>
public sealed class IngestionService
{
    private readonly StrataConfig _config;
    private readonly IStrataConsole _console;
    private readonly SourceSettings _source;
    private readonly HashSet<string> _unverified = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ulong> _resyncedAt = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly PhaseReporter _phase;
    private bool _streamed;

    private readonly OpenWarehouse _openWarehouse;

    /// <summary>Creates the service for a project's configuration.</summary>
    /// <param name="config">The project's configuration.</param>
    /// <param name="openWarehouse">Opens the configured warehouse (the composition root says which engine).</param>
    /// <param name="console">Progress and messages.</param>
    /// <param name="clock">Times retries' backoff and waits (tests pass a fake one); null means the system clock.</param>
    public IngestionService(StrataConfig config, OpenWarehouse openWarehouse, IStrataConsole console, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _openWarehouse = openWarehouse;
        _console = console;
        _clock = clock ?? TimeProvider.System;
        _source = SourceSettings.From(config);
        Pipeline = config.Text(Settings.IngestPipeline)!;
        Slot = config.Text(Settings.IngestSlot) ?? $"strata_{Pipeline}";
        _phase = new PhaseReporter(PhaseFilePath, Pipeline, Slot, _clock);
    }

    /// <summary>
    /// Proves bronze holds the source: takes a consistent snapshot of the source at a known LSN (a temporary slot's
    /// exported snapshot), brings bronze past that LSN, rebuilds each table's state as of it from the changelog
    /// (the newest snapshot or TRUNCATE, then the latest version per key), and compares row counts, a checksum over
    /// every column, and the keys that differ. Works while the source keeps changing.
    /// </summary>
    /// <param name="tables">Tables to compare (<c>schema.table</c>); empty = every published table.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public Task<ReconcileResult> ReconcileAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken = default) =>
        new Reconcile.Reconciler(this).ReconcileAsync(tables, retried: false, cancellationToken);

    /// <summary>The slot as the source sees it: its state (<c>active</c>, <c>inactive</c>, <c>missing</c>, <c>lost</c>) and the WAL it holds back.</summary>
    public Task<(string State, long? LagBytes)> SlotAsync(CancellationToken cancellationToken = default) =>
        new Status.IngestStatusReader(this).SlotAsync(cancellationToken);

    /// <summary>The slot as the source sees it and bronze as the warehouse has it.</summary>
    public Task<IngestStatus> StatusAsync(CancellationToken cancellationToken = default) =>
        new Status.IngestStatusReader(this).StatusAsync(cancellationToken);

    /// <summary>The source's settings.</summary>
    internal SourceSettings Source => _source;

    /// <summary>Opens the warehouse.</summary>
    internal OpenWarehouse OpenWarehouse => _openWarehouse;

    /// <summary>Where messages go.</summary>
    internal IStrataConsole Console => _console;

    /// <summary>Where this pipeline's phase is recorded for other programs (<see cref="IngestPhaseFile"/>).</summary>
    public string PhaseFilePath => IngestPhaseFile.PathOf(_config.StateDirectory, Pipeline);

    /// <summary>The pipeline's name.</summary>
    public string Pipeline { get; }

    /// <summary>The replication slot's name.</summary>
    public string Slot { get; }

    /// <summary>Snapshot (first run), then stream until cancelled or, with <see cref="IngestOptions.Once"/>, caught up.</summary>
    /// <remarks>
    /// A lost connection or a restarting server is retried with exponential backoff and jitter; each attempt resumes
    /// from the checkpoint, so nothing is lost or written twice.
    /// </remarks>
    public async Task<IngestResult> RunAsync(IngestOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Only once streaming has worked: a bad setting or an unreachable server at start fails at once, in one line.
        var retry = RetryPolicy.Create<IngestResult>(
            _clock,
            options.Once ? 5 : int.MaxValue,
            TimeSpan.FromMilliseconds(500),
            (exception, attempt, delay) =>
            {
                var why = $"{Describe(exception)}; resuming from the checkpoint in {delay.TotalSeconds:0.0} s (attempt {attempt})";
                _console.Warning(why);
                options.OnRetrying?.Invoke(why);
            },
            isTransient: e => _streamed && IsTransient(e),
            maxDelay: TimeSpan.FromSeconds(30));
        var result = await retry.ExecuteAsync(async token => await RunAttemptAsync(options, token), cancellationToken);
        _phase.Stopped();
        return result;
    }

    /// <summary>
    /// True for failures a later attempt may not meet (<see cref="TransientFailure"/>), and on the replication
    /// connection also any failure of the connection itself or a server shutting down (08, 57P): the stream resumes
    /// from the checkpoint, so trying again never loses or doubles a change.
    /// </summary>
    public static bool IsTransient(Exception exception) => TransientFailure.Is(exception) || exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal),
        NpgsqlException => true,
        _ => false,
    };

    private static string Describe(Exception? exception) => exception switch
    {
        PostgresException pg => $"the source ended the connection ({pg.SqlState}: {pg.MessageText})",
        null => "the attempt failed",
        _ => $"lost the connection to the source ({exception.Message})",
    };

    private async Task<IngestResult> RunAttemptAsync(IngestOptions options, CancellationToken cancellationToken)
    {
        _phase.Starting();
        var cdc = CdcEndpoint();
        var connectionString = cdc.ConnectionString(_source.Database, "strata ingest");
        await using var warehouse = await _openWarehouse(cancellationToken);
        await MetadataTables.EnsureAsync(warehouse, cancellationToken);
        var writer = await BronzeWriter.OpenAsync(warehouse, Pipeline, Slot, _console, cancellationToken);

        await using var source = await cdc.OpenAsync(_source.Database, cancellationToken);
        await cdc.RequireLogicalWalAsync(source, cancellationToken);
        var tables = (await SourceCatalog.ReadAsync(source, _source.Publication, cancellationToken)).ToDictionary(t => t.DisplayName);
        if (tables.Count == 0)
        {
            throw new IngestionException(
                $"publication {_source.Publication} on {cdc.Address} does not exist or publishes no table this login can see; run `strata source init`");
        }

        var checkpoint = await writer.ReadCheckpointAsync(cancellationToken);
        var resync = ResyncTables(options, tables);

        if (checkpoint is not null)
        {
            // A table's snapshot is done only once it is committed with its record. Tables published since the last
            // run, and tables whose first snapshot failed (their bronze table may exist, empty), are snapshotted
            // before streaming on.
            var snapshotted = await SnapshottedTablesAsync(warehouse, cancellationToken);
            foreach (var table in tables.Values)
            {
                if (!resync.Contains(table) && !snapshotted.Contains(table.BronzeName))
                {
                    resync.Add(table);
                }
            }
        }

        foreach (var held in writer.Quarantine.Tables.Where(h => resync.All(t => t.DisplayName != h)))
        {
            _console.Warning($"{held} is quarantined: its changes go to {MetadataTables.Schema}.{Quarantine.Table} until `strata ingest --resync {held}`");
        }

        writer.Quarantine.Changed = options.OnQuarantine;
        options.OnQuarantine?.Invoke(writer.Quarantine.Tables);
        _unverified.UnionWith(tables.Keys);
        foreach (var table in tables.Values.Where(t => !resync.Contains(t)))
        {
            // Once streaming, relation messages bring bronze up to date: the catalog may already be ahead of them.
            await writer.EnsureTableAsync(table, followSource: checkpoint is null, cancellationToken);
        }

        var slotLost = false;
        var slot = await SlotState.ReadAsync(source, Slot, cancellationToken);
        for (var wait = 0; slot is { Active: true } && wait < 10; wait++)
        {
            // A process that just died may still hold the slot until the server notices its closed connection.
            await Task.Delay(TimeSpan.FromMilliseconds(500), _clock, cancellationToken);
            slot = await SlotState.ReadAsync(source, Slot, cancellationToken);
        }

        if (await ClaimSlotAsync(source, warehouse, slot, checkpoint, options.TakeOverSlot, cdc.Address, cancellationToken) && checkpoint is not null)
        {
            // Taken back from another warehouse: the slot moved on without us, so every table is snapshotted again.
            resync = tables.Values.ToList();
            slotLost = true;
        }

        // A full resync (after a lost slot) that did not finish left a slot ahead of the checkpoint: what lies between
        // can no longer be streamed, so it is taken again from the start.
        if (checkpoint is not null && await FullResyncPendingAsync(warehouse, cancellationToken))
        {
            _console.Warning($"the last full resync of pipeline {Pipeline} did not finish; taking it again");
            resync = tables.Values.ToList();
            slotLost = true;
        }

        slotLost |= slot is { WalStatus: "lost" } || (slot is null && checkpoint is not null);
        if (!(slotLost && resync.Count > 0))
        {
            slot?.ThrowIfUnusable(Slot, cdc.Address, _source.Database);
        }

        await using var replication = new LogicalReplicationConnection(connectionString);
        await OpenReplicationAsync(replication, cdc, cancellationToken);
        var snapshotter = new Snapshotter(writer, connectionString, Pipeline, _console, _phase, options.Threads, options.SnapshotPause);

        long snapshotRows = 0;
        PgOutputReplicationSlot replicationSlot;
        if (checkpoint is null || slotLost)
        {
            if (checkpoint is not null && resync.Count == 0)
            {
                throw new IngestionException(
                    $"replication slot {Slot} is missing on {cdc.Address} (dropped?), so changes since {new NpgsqlLogSequenceNumber(checkpoint.Value)} cannot be streamed; " +
                    "run `strata ingest --resync` to take a fresh snapshot");
            }

            if (slot is not null)
            {
                // Ours (ClaimSlotAsync made sure), left by a snapshot that did not finish (its exported snapshot is
                // gone), lost, or just taken over: start over.
                await replication.DropReplicationSlot(Slot, wait: true, cancellationToken);
            }

            if (checkpoint is null)
            {
                await RemovePartialSnapshotAsync(warehouse, cancellationToken);
            }

            replicationSlot = await CreateSlotAsync(replication, Slot, temporary: false, cdc, cancellationToken);
            var snapshotLsn = SnapshotLsn(replicationSlot);
            if (checkpoint is not null)
            {
                await MarkFullResyncAsync(warehouse, snapshotLsn, cancellationToken);
            }

            _console.Info($"Created slot {Slot}; taking a consistent snapshot at {replicationSlot.ConsistentPoint}.");
            // After a lost slot every table missed changes: all of them are snapshotted again.
            snapshotRows = await snapshotter.RunAsync(
                replicationSlot.SnapshotName!, snapshotLsn, tables.Values.ToList(), cancellationToken, replaceIncompatible: resync.Count > 0);
            checkpoint = snapshotLsn;
            await using var transaction = await warehouse.BeginAsync(cancellationToken);
            await writer.WriteCheckpointAsync(transaction, checkpoint.Value, cancellationToken);
            await transaction.ExecuteAsync(
                $"DELETE FROM {warehouse.Qualify(MetadataTables.Schema, "snapshots")} WHERE pipeline = {warehouse.Parameter(1)} AND table_name = {warehouse.Parameter(2)}",
                [Pipeline, FullResyncMarker], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        else
        {
            replicationSlot = new PgOutputReplicationSlot(Slot);
            if (resync.Count > 0)
            {
                snapshotRows = await ResyncAsync(connectionString, cdc, snapshotter, resync, cancellationToken);
            }
        }

        // A snapshot newer than the checkpoint (a resync before a restart) already holds the older changes of its table.
        foreach (var row in await warehouse.QueryAsync(
            $"SELECT table_name, max(snapshot_lsn) FROM {warehouse.Qualify(MetadataTables.Schema, "snapshots")} WHERE pipeline = {warehouse.Parameter(1)} GROUP BY table_name",
            [Pipeline], cancellationToken))
        {
            var at = (ulong)Convert.ToInt64(row[1], System.Globalization.CultureInfo.InvariantCulture);
            if (at > checkpoint.Value && (!_resyncedAt.TryGetValue((string)row[0]!, out var known) || known < at))
            {
                _resyncedAt[(string)row[0]!] = at;
            }
        }

        // The decoder runs beside the batch writer: it gets a connection of its own for catalog look-ups.
        await using var catalog = await cdc.OpenAsync(_source.Database, cancellationToken);
        var spillDirectory = Path.Combine(_config.StateDirectory, "spill", Pipeline);
        SpillFile.Sweep(spillDirectory);
        using var decoder = new PgOutputDecoder(
            (relation, lsn) => ResolveRelationAsync(relation, lsn, tables, catalog, writer,
                table => ResyncAsync(connectionString, cdc, snapshotter, [table], cancellationToken), cancellationToken),
            new ToastFiller(warehouse, _console),
            spillDirectory,
            options.SpillAfter);
        // Changes older than a table's resync snapshot are already in it.
        var pump = new StreamPump(replication, source, writer, decoder, options, _console,
            change => !_resyncedAt.TryGetValue(change.Table.BronzeName, out var at) || change.Lsn > at);
        _streamed = true;
        _phase.Streaming(checkpoint.Value);
        options.OnStreaming?.Invoke();
        try
        {
            await pump.RunAsync(replicationSlot, _source.Publication, checkpoint.Value, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: every written batch is checkpointed; the one in memory is read again next time.
        }

        return new IngestResult(snapshotRows, pump.Changes, pump.Transactions, new NpgsqlLogSequenceNumber(pump.Checkpoint).ToString(), writer.Quarantine.Tables);
    }

    /// <summary>
    /// Makes sure the slot belongs to this warehouse before anything uses or drops it: a slot another warehouse owns,
    /// or one nobody claimed that this warehouse holds no checkpoint of, is refused unless <paramref name="takeOver"/>.
    /// </summary>
    /// <returns>True when the slot was taken over from another warehouse.</returns>
    private async Task<bool> ClaimSlotAsync(
        NpgsqlConnection source, IWarehouse warehouse, SlotState? slot, ulong? checkpoint, bool takeOver, string address, CancellationToken cancellationToken)
    {
        var me = new SlotOwner(await WarehouseIdentity.GetOrCreateAsync(warehouse, cancellationToken), $"{warehouse.Engine} {warehouse.Location}", Pipeline, _clock.GetUtcNow().UtcDateTime);
        var owner = await SlotOwners.ReadAsync(source, Slot, address, cancellationToken);
        if (owner?.WarehouseId == me.WarehouseId)
        {
            return false;
        }

        var foreign = owner is not null || (slot is not null && checkpoint is null);
        if (foreign && !takeOver)
        {
            var whose = owner is null
                ? "exists, but no warehouse has claimed it and this one holds no checkpoint of it (it may feed a warehouse made before slot ownership)"
                : $"belongs to another warehouse: {owner.Describe()}";
            throw new IngestionException(
                $"replication slot {Slot} on {address} {whose}; streaming it here would take that warehouse's changes. " +
                $"Give this warehouse ({me.Warehouse}) a pipeline of its own (ingest.pipeline, e.g. STRATA_INGEST_PIPELINE={Pipeline}_2), " +
                "or move the slot here with `strata ingest --take-over-slot` (the other warehouse then misses every change from now on)");
        }

        var claimed = await SlotOwners.ClaimAsync(source, Slot, me, takeOver, address, cancellationToken);
        if (claimed.WarehouseId != me.WarehouseId)
        {
            throw new IngestionException($"replication slot {Slot} on {address} was just claimed by another warehouse: {claimed.Describe()}; give this warehouse a pipeline of its own (ingest.pipeline)");
        }

        if (foreign)
        {
            _console.Warning(
                $"took replication slot {Slot} over from {owner?.Describe() ?? "an unclaimed slot"}: that warehouse misses every change from now on; this one takes a fresh snapshot");
        }

        return foreign;
    }

    internal static List<SourceTable> ResyncTables(IngestOptions options, Dictionary<string, SourceTable> tables)
    {
        if (options.Resync is null)
        {
            return [];
        }

        if (options.Resync.Count == 0)
        {
            return tables.Values.ToList();
        }

        return options.Resync.Select(name => tables.TryGetValue(name, out var table) ? table : throw new IngestionException(
                $"--resync {name}: no such published table{Text.Suggestions.DidYouMean(name, tables.Keys)}; published: {string.Join(", ", tables.Keys.Order())}"))
            .ToList();
    }

    /// <summary>
    /// A fresh snapshot of some tables while the main slot keeps its place: a temporary slot exports a snapshot at a
    /// newer consistent point, the tables are copied as of it (<c>_op = 'r'</c> at that LSN), then streaming goes on from
    /// the checkpoint. Changes older than the new snapshot order before it by <c>(_lsn, _seq)</c>, so none is duplicated in state.
    /// </summary>
    private async Task<long> ResyncAsync(
        string connectionString, SourceEndpoint cdc, Snapshotter snapshotter, IReadOnlyList<SourceTable> tables, CancellationToken cancellationToken)
    {
        await using var temporary = new LogicalReplicationConnection(connectionString);
        await OpenReplicationAsync(temporary, cdc, cancellationToken);
        var slot = await CreateSlotAsync(temporary, $"{Slot}_resync", temporary: true, cdc, cancellationToken);
        _console.Info($"Resyncing {string.Join(", ", tables.Select(t => t.DisplayName))} as of {slot.ConsistentPoint}.");
        var snapshotLsn = SnapshotLsn(slot);
        foreach (var table in tables)
        {
            _resyncedAt[table.BronzeName] = snapshotLsn;
        }

        return await snapshotter.RunAsync(slot.SnapshotName!, snapshotLsn, tables, cancellationToken, replaceIncompatible: true);
    }

    /// <summary>
    /// The <c>_lsn</c> of a snapshot's rows: just before the slot's consistent point. The snapshot holds every commit
    /// before that point; a transaction committing exactly at it is streamed, not in the snapshot, and must order after it.
    /// </summary>
    internal static ulong SnapshotLsn(PgOutputReplicationSlot slot) => (ulong)slot.ConsistentPoint - 1;

    internal static async Task<PgOutputReplicationSlot> CreateSlotAsync(
        LogicalReplicationConnection replication, string name, bool temporary, SourceEndpoint cdc, CancellationToken cancellationToken)
    {
        try
        {
            return await replication.CreatePgOutputReplicationSlot(
                name, temporarySlot: temporary, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.Export, cancellationToken: cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == "53400")
        {
            throw new IngestionException(
                $"all replication slots on {cdc.Address} are in use, so slot {name} cannot be created; drop unused ones " +
                "(SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active) or raise max_replication_slots", ex);
        }
    }

    internal SourceEndpoint CdcEndpoint()
    {
        var password = _config.Secret(Settings.SourceCdcPassword)
            ?? throw new IngestionException(
                $"no password for the CDC login {_source.CdcUser}: run `strata source init` (it generates one) or set {Settings.SourceCdcPassword.EnvironmentVariable}");
        return SourceEndpoint.From(_config, _source).As(_source.CdcUser, password, Settings.SourceCdcPassword);
    }

    internal static async Task OpenReplicationAsync(LogicalReplicationConnection replication, SourceEndpoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            await replication.Open(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState is "28000" or "42501")
        {
            throw new IngestionException(
                $"login {endpoint.User} may not open a replication connection to {endpoint.Address} ({ex.MessageText}); run `strata source init` to give it REPLICATION", ex);
        }
        catch (NpgsqlException ex)
        {
            throw endpoint.Translate(ex, "replication");
        }
    }

    /// <summary>The <c>_strata.snapshots</c> row that stands for a full resync under way (no table has this name).</summary>
    private const string FullResyncMarker = "*";

    private async Task<bool> FullResyncPendingAsync(IWarehouse warehouse, CancellationToken cancellationToken) =>
        (await warehouse.QueryAsync(
            $"SELECT 1 FROM {warehouse.Qualify(MetadataTables.Schema, "snapshots")} WHERE pipeline = {warehouse.Parameter(1)} AND table_name = {warehouse.Parameter(2)}",
            [Pipeline, FullResyncMarker], cancellationToken)).Count > 0;

    /// <summary>Records, before the copy starts, that a full resync at <paramref name="lsn"/> is under way; its checkpoint transaction removes the record.</summary>
    private Task MarkFullResyncAsync(IWarehouse warehouse, ulong lsn, CancellationToken cancellationToken) =>
        warehouse.ExecuteAsync(
            $"INSERT INTO {warehouse.Qualify(MetadataTables.Schema, "snapshots")} (pipeline, table_name, snapshot_lsn, row_count, completed_at) " +
            $"VALUES ({warehouse.Parameter(1)}, {warehouse.Parameter(2)}, {warehouse.Parameter(3)}, -1, {warehouse.Parameter(4)})",
            [Pipeline, FullResyncMarker, (long)lsn, DateTime.UtcNow], cancellationToken);

    internal async Task<HashSet<string>> SnapshottedTablesAsync(IWarehouse warehouse, CancellationToken cancellationToken)
    {
        var rows = await warehouse.QueryAsync(
            $"SELECT DISTINCT table_name FROM {warehouse.Qualify(MetadataTables.Schema, "snapshots")} WHERE pipeline = {warehouse.Parameter(1)}",
            [Pipeline], cancellationToken);
        return rows.Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
    }

    private async Task RemovePartialSnapshotAsync(IWarehouse warehouse, CancellationToken cancellationToken)
    {
        var partial = await warehouse.QueryAsync(
            $"SELECT table_name, snapshot_lsn FROM {warehouse.Qualify(MetadataTables.Schema, "snapshots")} WHERE pipeline = {warehouse.Parameter(1)} AND table_name <> '{FullResyncMarker}'",
            [Pipeline], cancellationToken);
        if (partial.Count == 0)
        {
            return;
        }

        await using var transaction = await warehouse.BeginAsync(cancellationToken);
        foreach (var row in partial)
        {
            await transaction.ExecuteAsync(
                $"DELETE FROM {warehouse.Qualify(BronzeTable.Schema, (string)row[0]!)} WHERE _op = 'r' AND _lsn = {warehouse.Parameter(1)}",
                [row[1]], cancellationToken);
        }

        await transaction.ExecuteAsync(
            $"DELETE FROM {warehouse.Qualify(MetadataTables.Schema, "snapshots")} WHERE pipeline = {warehouse.Parameter(1)}", [Pipeline], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _console.Info($"Removed the rows of an unfinished snapshot ({partial.Count} table(s)); taking a new one.");
    }

    private async Task<SourceTable> ResolveRelationAsync(
        RelationMessage relation,
        ulong lsn,
        Dictionary<string, SourceTable> tables,
        NpgsqlConnection source,
        BronzeWriter writer,
        Func<SourceTable, Task<long>> snapshotNewTable,
        CancellationToken cancellationToken)
    {
        var name = $"{relation.Namespace}.{relation.RelationName}";
        if (_resyncedAt.TryGetValue($"{relation.Namespace}__{relation.RelationName}", out var resyncedAt) && lsn <= resyncedAt)
        {
            // A shape from before the table's resync snapshot: its changes are dropped, bronze is not touched.
            return await SourceCatalog.FromRelationAsync(source, relation, tables.GetValueOrDefault(name), cancellationToken);
        }

        var columns = relation.Columns.Select(c => (c.ColumnName, c.DataTypeId, c.TypeModifier)).ToList();
        // The first relation message of a table in this session is always checked against bronze: the source may have
        // changed while ingestion was stopped.
        if (tables.TryGetValue(name, out var known) && !_unverified.Remove(name) && known.Columns.Select(c => (c.Name, c.TypeOid, c.TypeModifier)).SequenceEqual(columns))
        {
            return known;
        }

        // A new table in the publication, or its columns changed: bring bronze up to date with the message.
        var current = (await SourceCatalog.ReadAsync(source, _source.Publication, cancellationToken)).FirstOrDefault(t => t.DisplayName == name);
        var fresh = await SourceCatalog.FromRelationAsync(source, relation, current ?? known, cancellationToken);
        var isNew = !tables.ContainsKey(name);
        await writer.EnsureTableAsync(fresh, followSource: true, cancellationToken);
        tables[name] = fresh;
        if (isNew && current is null)
        {
            // Published once, gone now (dropped, or taken out of the publication) before it was ever snapshotted:
            // there is nothing left to copy, but what the stream holds of it is kept.
            _console.Warning($"{name} was published and is gone from publication {_source.Publication} (dropped?) before its snapshot; its streamed changes are kept in bronze.{fresh.BronzeName}, without a snapshot");
        }
        else if (isNew)
        {
            // A table added to the publication while streaming: snapshot it at a newer consistent point; its changes
            // older than that point (this transaction's among them) are in the snapshot and dropped from the stream.
            _console.Info($"{name} joined publication {_source.Publication}; taking its snapshot.");
            await snapshotNewTable(fresh);
        }

        return fresh;
    }
}
