using Npgsql;
using Npgsql.Replication.PgOutput;
using NpgsqlTypes;
using Strata.Configuration;
using Strata.Errors;
using Strata.Ingestion.Bronze;
using Strata.Ingestion.Catalog;
using Strata.Ingestion.Progress;
using Strata.Ingestion.Relations;
using Strata.Ingestion.Replication;
using Strata.Ingestion.Resync;
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
    // Set once the binary stream met what only text carries: every later attempt of this process streams text.
    private bool _textOnly;

    // Both outlive an attempt: a retried attempt verifies the same tables and drops the same resynced changes.
    private readonly ResyncPoints _resynced = new();
    private readonly RelationTracker _relations;
    private readonly TimeProvider _clock;
    private readonly PhaseReporter _phase;
    private readonly SlotClaim _claim;
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
        _relations = new RelationTracker(_source.Publication, _resynced, console);
        _claim = new SlotClaim(Pipeline, Slot, _clock, console);
    }

    /// <summary>
    /// Proves bronze holds the source: takes a consistent snapshot of the source at a known LSN (a temporary slot's
    /// exported snapshot), makes sure bronze holds every change up to that LSN, rebuilds each table's state as of it
    /// from the changelog (the newest snapshot or TRUNCATE, then the latest version per key), and compares row counts,
    /// a checksum over every column, and the keys that differ. Works while the source keeps changing.
    /// </summary>
    /// <remarks>
    /// Never ingests: while another process streams the slot it waits for bronze to pass that LSN; with none, a slot
    /// holding changes bronze lacks up to it is an <see cref="IngestionException"/> that says to ingest first.
    /// </remarks>
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

    /// <summary>The source as the CDC login.</summary>
    internal SourceEndpoint CdcEndpoint() => CdcLogin.Endpoint(_config, _source);

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
                if (exception is not TextDecodingNeededException)
                {
                    // Turning the stream to text is not a fault: the attempt said why, as information.
                    _console.Warning(why);
                }

                options.OnRetrying?.Invoke(why);
            },
            isTransient: e => (_streamed && IsTransient(e)) || e is TextDecodingNeededException,
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
        TextDecodingNeededException text => text.Message,
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
        var snapshots = new SnapshotRecords(warehouse, Pipeline);

        await using var source = await cdc.OpenAsync(_source.Database, cancellationToken);
        await cdc.RequireLogicalWalAsync(source, cancellationToken);
        var tables = (await SourceCatalog.ReadAsync(source, _source.Publication, cancellationToken)).ToDictionary(t => t.DisplayName);
        if (tables.Count == 0)
        {
            throw new IngestionException(
                $"publication {_source.Publication} on {cdc.Address} does not exist or publishes no table this login can see; run `strata source init`");
        }

        var checkpoint = await writer.ReadCheckpointAsync(cancellationToken);
        var resync = ResyncRequest.Resolve(options.Resync, tables);

        if (checkpoint is not null)
        {
            // A table's snapshot is done only once it is committed with its record. Tables published since the last
            // run, and tables whose first snapshot failed (their bronze table may exist, empty), are snapshotted
            // before streaming on.
            var snapshotted = await snapshots.TablesAsync(cancellationToken);
            // A resync stopped partway left ranges of a newer snapshot beside the old one: it is completed.
            var unfinished = (await snapshots.RangesAsync(cancellationToken)).Select(r => r.Table).ToHashSet(StringComparer.Ordinal);
            foreach (var table in tables.Values)
            {
                if (!resync.Contains(table) && (!snapshotted.Contains(table.BronzeName) || unfinished.Contains(table.BronzeName)))
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
        var unverified = tables.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var table in tables.Values.Where(t => !resync.Contains(t)))
        {
            // Once streaming, relation messages bring bronze up to date: the catalog may already be ahead of them.
            await writer.EnsureTableAsync(table, followSource: checkpoint is null, cancellationToken);
            if (await writer.HoldsAsync(table, cancellationToken))
            {
                // Bronze is as the catalog says: a first relation message of the same shape has nothing to bring up
                // to date, so it is not checked again (that took catalog look-ups per column on the first changes).
                unverified.Remove(table.DisplayName);
            }
        }

        _relations.Unverify(unverified);

        var slotLost = false;
        var slot = await SlotState.ReadAsync(source, Slot, cancellationToken);
        for (var wait = 0; slot is { Active: true } && wait < 10; wait++)
        {
            // A process that just died may still hold the slot until the server notices its closed connection.
            await Task.Delay(TimeSpan.FromMilliseconds(500), _clock, cancellationToken);
            slot = await SlotState.ReadAsync(source, Slot, cancellationToken);
        }

        if (await _claim.ClaimAsync(source, warehouse, slot, checkpoint, options.TakeOverSlot, cdc.Address, cancellationToken) && checkpoint is not null)
        {
            // Taken back from another warehouse: the slot moved on without us, so every table is snapshotted again.
            resync = tables.Values.ToList();
            slotLost = true;
        }

        // A full resync (after a lost slot) that did not finish left a slot ahead of the checkpoint: what lies between
        // can no longer be streamed, so the resync goes on from its own point (or, when it cannot, is taken again).
        var pendingResync = checkpoint is not null ? await snapshots.PendingFullResyncAsync(cancellationToken) : null;
        if (pendingResync is not null)
        {
            _console.Warning($"the last full resync of pipeline {Pipeline} did not finish; going on with it");
            resync = tables.Values.ToList();
            slotLost = true;
        }

        slotLost |= slot is { WalStatus: "lost" } || (slot is null && checkpoint is not null);
        if (!(slotLost && resync.Count > 0))
        {
            slot?.ThrowIfUnusable(Slot, cdc.Address, _source.Database);
        }

        await using var replication = await ReplicationSession.OpenAsync(connectionString, cdc, cancellationToken);
        var snapshotter = new Snapshotter(writer, connectionString, Pipeline, _console, _phase, options.Threads, options.SnapshotPause, options.SnapshotRangeRows);
        var resyncer = new TableResync(connectionString, cdc, snapshotter, Slot, _resynced, _console);

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

            // A first snapshot (no checkpoint yet) or a full resync that was stopped may go on; a lost slot's resync starts anew.
            var resumable = (checkpoint is null && !slotLost) || pendingResync is not null ? await ResumableAsync(slot, snapshots, pendingResync, cancellationToken) : null;
            ulong from;
            (replicationSlot, from, snapshotRows) = resumable is { } unfinished
                ? await ResumeSnapshotAsync(writer, snapshots, resyncer, unfinished, tables.Values.ToList(), cancellationToken)
                : await SnapshotFromNewSlotAsync(
                    replication, writer, snapshots, snapshotter, slot is not null, checkpoint, tables.Values.ToList(), resync.Count > 0, cancellationToken);
            checkpoint = from;
        }
        else
        {
            replicationSlot = new PgOutputReplicationSlot(Slot);
            if (resync.Count > 0)
            {
                snapshotRows = await resyncer.RunAsync(resync, checkpoint.Value, cancellationToken);
            }
        }

        // A snapshot newer than the checkpoint (a resync before a restart) already holds the older changes of its table.
        foreach (var (table, at) in await snapshots.NewestAsync(cancellationToken))
        {
            if (at > checkpoint.Value)
            {
                _resynced.Raise(table, at);
            }
        }

        // The decoder runs beside the batch writer: it gets a connection of its own for catalog look-ups.
        await using var catalog = await cdc.OpenAsync(_source.Database, cancellationToken);
        var spillDirectory = Path.Combine(_config.StateDirectory, "spill", Pipeline);
        SpillFile.Sweep(spillDirectory);
        // Binary values where the server sends them (14+) and every published table has readers for them; once the
        // stream meets what only text carries, text for the rest of this process.
        var binary = options.BinaryValues && !_textOnly && source.PostgreSqlVersion.Major >= 14 && tables.Values.All(BinaryValues.Qualify);
        using var decoder = new PgOutputDecoder(
            (relation, lsn) => _relations.ResolveAsync(relation, lsn, tables, catalog, writer, table => resyncer.RunAsync([table], streamFrom: null, cancellationToken), cancellationToken),
            new ToastFiller(warehouse, _console),
            spillDirectory,
            options.SpillAfter,
            binary);
        // Changes older than a table's resync snapshot are already in it.
        var pump = new StreamPump(replication.Connection, source, writer, decoder, options, _console, change => !_resynced.Covers(change.Table.BronzeName, change.Lsn), _clock, binary);
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
        catch (TextDecodingNeededException ex)
        {
            // Nothing of the transaction that met it was written: the next attempt streams it again, as text.
            _textOnly = true;
            _console.Info(ex.Message);
            throw;
        }

        return new IngestResult(snapshotRows, pump.Changes, pump.Transactions, new NpgsqlLogSequenceNumber(pump.Checkpoint).ToString(), writer.Quarantine.Tables,
            binary ? "binary" : "text");
    }

    /// <summary>
    /// A first snapshot, or a full resync (<paramref name="fullResyncAt"/>: its point), that a kill (or a failure)
    /// stopped after some of its tables or block ranges committed, when it can go on: the slot made for it is still
    /// there and has not moved since (its confirmed position is still the snapshot's consistent point), and for a first
    /// snapshot no table or range record is older than that point. Returns the point and the tables to keep: those recorded at it or after
    /// (a table an earlier resumption copied, whose changes up to its own point are skipped). Null when it cannot go
    /// on: it is then taken again from the start.
    /// </summary>
    private static async Task<(ulong Lsn, HashSet<string> Tables)?> ResumableAsync(
        SlotState? slot, SnapshotRecords snapshots, ulong? fullResyncAt, CancellationToken cancellationToken)
    {
        if (slot is not { WalStatus: not "lost", ConfirmedFlushLsn: { } confirmed } || !NpgsqlLogSequenceNumber.TryParse(confirmed, out var position))
        {
            return null;
        }

        var lsn = (ulong)position - 1;
        var recorded = await snapshots.RecordedAsync(cancellationToken);
        var ranges = await snapshots.RangesAsync(cancellationToken);
        // Before a full resync every table has older records; before a first snapshot, one belongs to no snapshot of this slot.
        if (fullResyncAt is { } point ? point != lsn : recorded.Any(r => r.Lsn < lsn) || ranges.Any(r => r.Lsn < lsn))
        {
            return null;
        }

        var kept = recorded.Where(r => r.Lsn >= lsn).Select(r => r.Table).ToHashSet(StringComparer.Ordinal);
        // A table stopped after some of its ranges is among the rest: its copy goes on from them (Snapshotter).
        return kept.Count > 0 || ranges.Any(r => r.Lsn >= lsn) ? (lsn, kept) : null;
    }

    /// <summary>
    /// Goes on with an unfinished first snapshot (or full resync): the tables it committed are kept as they are, the others are copied as
    /// of a newer consistent point (a resync, through a temporary slot), and streaming starts from the first snapshot's
    /// point — each table copied anew skipping the changes its newer copy already holds, each table completed from its
    /// committed ranges skipping none. So a kill costs the ranges in flight, not the whole snapshot.
    /// </summary>
    private async Task<(PgOutputReplicationSlot Slot, ulong Checkpoint, long Rows)> ResumeSnapshotAsync(
        BronzeWriter writer,
        SnapshotRecords snapshots,
        TableResync resyncer,
        (ulong Lsn, HashSet<string> Tables) resumable,
        IReadOnlyList<SourceTable> tables,
        CancellationToken cancellationToken)
    {
        var rest = tables.Where(t => !resumable.Tables.Contains(t.BronzeName)).ToList();
        _console.Info($"Resuming the unfinished snapshot at {new NpgsqlLogSequenceNumber(resumable.Lsn + 1)}: " +
            $"{tables.Count - rest.Count} table(s) it committed are kept, {rest.Count} still to copy.");
        var rows = rest.Count > 0 ? await resyncer.RunAsync(rest, resumable.Lsn, cancellationToken) : 0;
        await CommitSnapshotPointAsync(writer, snapshots, resumable.Lsn, cancellationToken);
        return (new PgOutputReplicationSlot(Slot), resumable.Lsn, rows);
    }

    /// <summary>
    /// The first run, or a full resync after the slot was lost or taken over: a new slot, every table copied from its
    /// exported snapshot, and the checkpoint at the snapshot's LSN.
    /// </summary>
    /// <remarks>
    /// With <c>dropOld</c> the slot exists: ours (the claim made sure), left by a snapshot that did not finish (its
    /// exported snapshot is gone), lost, or just taken over; it is dropped and made again. With
    /// <c>replaceIncompatible</c> (a resync) bronze tables whose columns no longer fit are replaced.
    /// </remarks>
    private async Task<(PgOutputReplicationSlot Slot, ulong Checkpoint, long Rows)> SnapshotFromNewSlotAsync(
        ReplicationSession replication,
        BronzeWriter writer,
        SnapshotRecords snapshots,
        Snapshotter snapshotter,
        bool dropOld,
        ulong? checkpoint,
        IReadOnlyList<SourceTable> tables,
        bool replaceIncompatible,
        CancellationToken cancellationToken)
    {
        if (dropOld)
        {
            await replication.DropSlotAsync(Slot, cancellationToken);
        }

        if (checkpoint is null && await snapshots.RemovePartialAsync(cancellationToken) is > 0 and var removed)
        {
            _console.Info($"Removed the rows of an unfinished snapshot ({removed} table(s)); taking a new one.");
        }

        var created = await replication.CreateSlotAsync(Slot, temporary: false, cancellationToken);
        var snapshotLsn = ReplicationSession.SnapshotLsn(created);
        if (checkpoint is not null)
        {
            await snapshots.MarkFullResyncAsync(snapshotLsn, cancellationToken);
        }

        _console.Info($"Created slot {Slot}; taking a consistent snapshot at {created.ConsistentPoint}.");
        // After a lost slot every table missed changes: all of them are snapshotted again.
        var copied = await snapshotter.RunAsync(created.SnapshotName!, snapshotLsn, tables, snapshotLsn, cancellationToken, replaceIncompatible);
        await CommitSnapshotPointAsync(writer, snapshots, snapshotLsn, cancellationToken);
        return (created, snapshotLsn, copied.Rows);
    }

    /// <summary>The checkpoint at a snapshot's point and the end of any full resync's record, in one transaction: the snapshot is done.</summary>
    private static async Task CommitSnapshotPointAsync(BronzeWriter writer, SnapshotRecords snapshots, ulong lsn, CancellationToken cancellationToken)
    {
        await using var transaction = await writer.Warehouse.BeginAsync(cancellationToken);
        await writer.WriteCheckpointAsync(transaction, lsn, cancellationToken);
        await snapshots.EndFullResyncAsync(transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
