using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using NpgsqlTypes;
using Strata.Ingestion.Bronze;
using Strata.Output;
using Strata.Source.Connection;

namespace Strata.Ingestion.Streaming;

/// <summary>
/// Streams pgoutput from the slot and writes it to bronze: one task reads and decodes whole transactions, the
/// other batches them (what arrived while the previous batch was written, bounded by count and age, at transaction
/// boundaries), writes each batch with its checkpoint in one warehouse transaction, and only then acknowledges the
/// LSN to PostgreSQL.
/// </summary>
internal sealed class StreamPump(
    LogicalReplicationConnection replication,
    NpgsqlConnection source,
    BronzeWriter writer,
    PgOutputDecoder decoder,
    IngestOptions options,
    IStrataConsole console,
    Func<Change, bool> keep,
    TimeProvider clock,
    bool binary = false)
{
    /// <summary>How old the newest commit of a batch must be for the stream to count as catching up rather than live.</summary>
    private static readonly TimeSpan CatchingUp = TimeSpan.FromSeconds(1);

    public long Changes { get; private set; }

    public long Transactions { get; private set; }

    public ulong Checkpoint { get; private set; }

    /// <summary>Runs until cancelled, or with <see cref="IngestOptions.Once"/> until the WAL position current at start is in bronze.</summary>
    public async Task RunAsync(PgOutputReplicationSlot slot, string publication, ulong checkpoint, CancellationToken cancellationToken)
    {
        Checkpoint = checkpoint;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The reader runs at most this many transactions ahead of the writer: enough to decode on while a batch is
        // written, few enough that decoded changes are written before they outlive the young generation of the heap.
        var channel = Channel.CreateBounded<CommittedTransaction>(new BoundedChannelOptions(1_000) { SingleReader = true, SingleWriter = true });
        var replicationOptions = ReplicationOptions(publication);
        var reader = Task.Run(() => ReadAsync(slot, replicationOptions, checkpoint, channel.Writer, stop.Token), CancellationToken.None);

        ulong? target = null;
        if (options.Once)
        {
            // The insert position, not pg_current_wal_lsn(): after asynchronous commits the latter can lie before the last commit.
            target = (ulong)await source.ScalarAsync<long>("SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint", cancellationToken);
            await EmitHeartbeatAsync(cancellationToken);
        }

        try
        {
            await WriteAsync(channel.Reader, target, stop, cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await reader;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>
    /// pgoutput v2 with streaming where the server has it (PostgreSQL 14+) and it is not turned off: a large
    /// transaction arrives while it runs instead of all after its commit. Else v1. Binary values when asked (the
    /// caller checked the server and the tables).
    /// </summary>
    private PgOutputReplicationOptions ReplicationOptions(string publication) =>
        options.StreamInProgress && source.PostgreSqlVersion.Major >= 14
            ? new PgOutputReplicationOptions([publication], PgOutputProtocolVersion.V2, binary: binary, streamingMode: PgOutputStreamingMode.On, messages: true)
            : new PgOutputReplicationOptions([publication], PgOutputProtocolVersion.V1, binary: binary, messages: true);

    private async Task ReadAsync(
        PgOutputReplicationSlot slot, PgOutputReplicationOptions replicationOptions, ulong checkpoint, ChannelWriter<CommittedTransaction> output, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            await foreach (var message in replication.StartReplication(slot, replicationOptions, cancellationToken, new NpgsqlLogSequenceNumber(checkpoint)))
            {
                if (await decoder.HandleAsync(message, cancellationToken) is not { } transaction)
                {
                    continue;
                }

                // Exactly once: a transaction at or below the checkpoint is already in bronze.
                if (!transaction.IsHeartbeat && transaction.CommitLsn <= checkpoint)
                {
                    transaction.Spill?.Dispose();
                    if (transaction is { Spill: not null, TransactionId: { } xid })
                    {
                        // Only a spilled transaction may have been streamed, leaving uncommitted rows with the filler.
                        decoder.ToastFiller.Forget(xid);
                    }

                    continue;
                }

                await output.WriteAsync(transaction, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failure = ex;
        }
        finally
        {
            output.TryComplete(failure);
        }
    }

    private async Task WriteAsync(ChannelReader<CommittedTransaction> input, ulong? target, CancellationTokenSource stop, CancellationToken cancellationToken)
    {
        var batch = new List<Change>();
        var commitTimes = new List<DateTime>();
        CommittedTransaction? last = null;
        var age = new Stopwatch();
        var idle = Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested)
        {
            CommittedTransaction? next = null;
            if (last is not null)
            {
                // Adaptive batching: live, a batch is written as soon as nothing more is waiting (the transactions that
                // arrive during a write make the next one); catching up on a backlog (the newest commit older than
                // CatchingUp), it waits for more, up to batch_size or flush_ms, so a backlog goes in large writes.
                if (!input.TryRead(out next) && clock.GetUtcNow().UtcDateTime - last.CommitTime > CatchingUp)
                {
                    next = await NextWithinAsync(input, options.FlushInterval - age.Elapsed, cancellationToken);
                }
            }
            else
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.HeartbeatInterval);
                try
                {
                    if (await input.WaitToReadAsync(timeout.Token))
                    {
                        input.TryRead(out next);
                    }
                    else
                    {
                        await input.Completion; // rethrows the reader's failure
                        return;
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Idle long enough for a heartbeat.
                }
            }

            if (next is { Spill: { } spill })
            {
                // A large transaction: what is batched goes first, then it is read back from disk in parts into one write
                // (one warehouse transaction, or several where the warehouse bounds them, the checkpoint with the last).
                if (last is not null)
                {
                    await FlushAsync([batch], last, commitTimes, cancellationToken);
                    batch.Clear();
                    last = null;
                }

                using (spill)
                {
                    var parts = spill.Read(options.BatchSize, next.CommitLsn, next.TransactionId, next.CommitTime).Select(p => p.Where(keep).ToList());
                    commitTimes.Add(next.CommitTime);
                    await FlushAsync(parts, next, commitTimes, cancellationToken, spill.Failures(next.CommitLsn, next.CommitTime).Where(keep));
                }

                if (next.TransactionId is { } xid)
                {
                    decoder.ToastFiller.Forget(xid);
                }

                console.Info($"Large transaction {next.TransactionId}: {spill.Count:N0} changes read back from disk into bronze.");

                Transactions++;
                idle.Restart();
                continue;
            }

            if (next is { IsHeartbeat: false })
            {
                if (last is null)
                {
                    age.Restart();
                }

                batch.AddRange(next.Changes.Where(keep));
                commitTimes.Add(next.CommitTime);
                last = next;
                Transactions++;
                idle.Restart();
            }

            if (last is not null && (next is null or { IsHeartbeat: true } || batch.Count >= options.BatchSize || age.Elapsed >= options.FlushInterval))
            {
                await FlushAsync([batch], last, commitTimes, cancellationToken);
                batch.Clear();
                last = null;
            }

            if (next is { IsHeartbeat: true })
            {
                options.OnAlive?.Invoke();
                if (batch.Count == 0)
                {
                    // Nothing of ours is pending: every commit before the heartbeat is in bronze. Moving the checkpoint
                    // there tells readers of bronze (changelog models) that rows up to it are complete — a resync
                    // snapshot included — and lets the server recycle WAL up to it.
                    if (next.EndLsn > Checkpoint)
                    {
                        await writer.WriteAsync(Array.Empty<Change>(), next.EndLsn, cancellationToken);
                        Checkpoint = next.EndLsn;
                    }

                    replication.SetReplicationStatus(new NpgsqlLogSequenceNumber(next.EndLsn));
                    await replication.SendStatusUpdate(cancellationToken);
                }

                if (target is { } end && next.EndLsn >= end)
                {
                    return;
                }
            }

            if (last is null && idle.Elapsed >= options.HeartbeatInterval && !options.Once)
            {
                await EmitHeartbeatAsync(cancellationToken);
                idle.Restart();
            }
        }
    }

    /// <summary>The next transaction if one arrives within <paramref name="wait"/>, else null (also when the reader has finished).</summary>
    private static async Task<CommittedTransaction?> NextWithinAsync(ChannelReader<CommittedTransaction> input, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            return await input.WaitToReadAsync(timeout.Token) && input.TryRead(out var next) ? next : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="parts"/> with the checkpoint of <paramref name="last"/>, and acknowledges it once committed.</summary>
    private async Task FlushAsync(
        IEnumerable<IReadOnlyList<Change>> parts, CommittedTransaction last, List<DateTime> commitTimes, CancellationToken cancellationToken, IEnumerable<Change>? failing = null)
    {
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var written = await writer.WriteAsync(parts.Select(p => Touch(p, touched)), last.CommitLsn, cancellationToken, failing);
        Changes += written;
        Checkpoint = last.CommitLsn;
        options.OnCommitted?.Invoke(new BronzeCommit(commitTimes.ToList(), DateTime.UtcNow, written, touched, last.CommitLsn));

        commitTimes.Clear();
        decoder.ToastFiller.Flushed(last.CommitLsn);
        // Acknowledge only what is committed in the warehouse.
        replication.SetReplicationStatus(new NpgsqlLogSequenceNumber(last.EndLsn));
        await replication.SendStatusUpdate(cancellationToken);
        console.Live($"{Changes:N0} changes in {Transactions:N0} transactions; checkpoint {new NpgsqlLogSequenceNumber(Checkpoint)}");
    }

    private static IReadOnlyList<Change> Touch(IReadOnlyList<Change> part, HashSet<string> touched)
    {
        Catalog.SourceTable? previous = null;
        foreach (var change in part)
        {
            // Changes of one table come in runs: one lookup per run.
            if (!ReferenceEquals(change.Table, previous))
            {
                touched.Add(change.Table.BronzeName);
                previous = change.Table;
            }
        }

        return part;
    }

    private async Task EmitHeartbeatAsync(CancellationToken cancellationToken) =>
        await source.ExecuteAsync($"SELECT pg_logical_emit_message(false, '{PgOutputDecoder.HeartbeatPrefix}', '')", cancellationToken);
}
