using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using Strata.Ingestion.Catalog;

namespace Strata.Ingestion.Streaming;

/// <summary>
/// Turns pgoutput messages into whole transactions of <see cref="Change"/>s, copying every value out before the
/// next message (Npgsql reuses message objects). A transaction with more changes than fit the memory budget goes on
/// in a <see cref="SpillFile"/>. With pgoutput v2's streaming, the server sends a large transaction in blocks while
/// it runs, possibly interleaved with others: each goes to a spill file of its own as it comes, and is handed on at
/// its commit like any other (or dropped at its abort), so bronze still only ever sees whole transactions.
/// </summary>
internal sealed class PgOutputDecoder : IDisposable
{
    /// <summary>Prefix of the logical messages Strata emits as heartbeats.</summary>
    public const string HeartbeatPrefix = "strata-heartbeat";

    private readonly Dictionary<uint, (SourceTable Table, string[] Columns, SourceColumn?[] ByPosition)> _relations = [];
    private readonly Func<RelationMessage, ulong, Task<SourceTable>> _resolveRelation;
    private readonly string _spillDirectory;
    private readonly int _spillAfter;
    private List<Change>? _changes;
    private SpillFile? _spill;
    private int _sequence;
    private ulong _commitLsn;
    private DateTime _commitTime;
    private uint _xid;
    private readonly bool _binary;
    private readonly Dictionary<uint, StreamedTransaction> _streamed = [];
    private (uint Xid, StreamedTransaction Transaction)? _inStream;

    /// <param name="resolveRelation">Finds (and brings bronze up to date with) the table a relation message describes, given the commit LSN of the transaction it arrives in.</param>
    /// <param name="toastFiller">Fills values the stream left out as unchanged TOAST.</param>
    /// <param name="spillDirectory">Where large transactions are kept until their commit.</param>
    /// <param name="spillAfter">Changes of one transaction held in memory before the rest go to a spill file.</param>
    /// <param name="binary">The stream carries binary values (<see cref="BinaryValues"/>): a table that cannot stream so stops it.</param>
    public PgOutputDecoder(Func<RelationMessage, ulong, Task<SourceTable>> resolveRelation, ToastFiller toastFiller, string spillDirectory, int spillAfter, bool binary = false)
    {
        _binary = binary;
        _resolveRelation = resolveRelation;
        ToastFiller = toastFiller;
        _spillDirectory = spillDirectory;
        _spillAfter = spillAfter;
    }

    public ToastFiller ToastFiller { get; }

    /// <summary>Handles one message; returns a transaction when its commit arrives.</summary>
    public async Task<CommittedTransaction?> HandleAsync(PgOutputReplicationMessage message, CancellationToken cancellationToken)
    {
        if (message is TransactionalMessage transactional)
        {
            // Inside a streamed block, each message names the (sub)transaction it belongs to.
            InSubtransaction(transactional.TransactionXid);
        }

        switch (message)
        {
            case BeginMessage begin:
                Begin((ulong)begin.TransactionFinalLsn, begin.TransactionCommitTimestamp.ToUniversalTime(), begin.TransactionXid);
                return null;
            case RelationMessage relation:
                // Inside a streamed block the commit LSN is not known yet: never taken for one older than a resync.
                var described = await _resolveRelation(relation, _inStream is null ? _commitLsn : StreamedTransaction.Uncommitted);
                if (_binary && !BinaryValues.Qualify(described))
                {
                    throw new TextDecodingNeededException(described,
                        $"it has a column whose binary form Strata does not read ({string.Join(", ", described.Columns.Where(c => !BinaryValues.Qualifies(c)).Select(c => $"{c.Name} {c.SourceType}"))})");
                }

                Relate(relation.RelationId, described, relation.Columns.Select(c => c.ColumnName).ToArray());
                return null;
            case StreamStartMessage start:
                StartStream(start.TransactionXid);
                return null;
            case StreamStopMessage:
                StopStream();
                return null;
            case StreamAbortMessage abort:
                AbortStream(abort.TransactionXid, abort.SubtransactionXid);
                return null;
            case StreamCommitMessage streamCommit:
                return CommitStream(streamCommit.TransactionXid, (ulong)streamCommit.CommitLsn, (ulong)streamCommit.TransactionEndLsn, streamCommit.TransactionCommitTimestamp.ToUniversalTime());
            case InsertMessage insert:
                Add(insert.Relation.RelationId, 'c', await ReadAsync(insert.Relation.RelationId, insert.NewRow, cancellationToken));
                return null;
            case FullUpdateMessage full:
                var old = await ReadAsync(full.Relation.RelationId, full.OldRow, cancellationToken);
                var updated = await ReadAsync(full.Relation.RelationId, full.NewRow, cancellationToken);
                updated = updated with
                {
                    Values = await ToastFiller.FillAsync(_relations[full.Relation.RelationId].Table, updated.Values, old.Values, cancellationToken),
                    Error = updated.Error ?? old.Error,
                };
                if (_relations[full.Relation.RelationId].Table.Columns.Any(c => c.IsKey))
                {
                    Add(full.Relation.RelationId, 'u', updated);
                }
                else
                {
                    // No key says which row changed: bronze gets the old row's delete and the new row's insert, so
                    // the table's rows can be rebuilt as a multiset (an update alone would lose the old row).
                    Add(full.Relation.RelationId, 'd', old with { Error = updated.Error });
                    Add(full.Relation.RelationId, 'c', updated);
                }

                return null;
            case IndexUpdateMessage keyed:
                var key = await ReadAsync(keyed.Relation.RelationId, keyed.Key, cancellationToken);
                var changed = await ReadAsync(keyed.Relation.RelationId, keyed.NewRow, cancellationToken);
                Add(keyed.Relation.RelationId, 'u', changed with
                {
                    Values = await ToastFiller.FillAsync(_relations[keyed.Relation.RelationId].Table, changed.Values, null, cancellationToken),
                    Error = changed.Error ?? key.Error,
                });
                return null;
            case UpdateMessage update:
                var row = await ReadAsync(update.Relation.RelationId, update.NewRow, cancellationToken);
                Add(update.Relation.RelationId, 'u', row with
                {
                    Values = await ToastFiller.FillAsync(_relations[update.Relation.RelationId].Table, row.Values, null, cancellationToken),
                });
                return null;
            case FullDeleteMessage fullDelete:
                Add(fullDelete.Relation.RelationId, 'd', await ReadAsync(fullDelete.Relation.RelationId, fullDelete.OldRow, cancellationToken));
                return null;
            case KeyDeleteMessage keyDelete:
                Add(keyDelete.Relation.RelationId, 'd', await ReadAsync(keyDelete.Relation.RelationId, keyDelete.Key, cancellationToken));
                return null;
            case TruncateMessage truncate:
                foreach (var relation in truncate.Relations)
                {
                    Add(relation.RelationId, 't', new Dictionary<string, object?>());
                }

                return null;
            case LogicalDecodingMessage { Prefix: HeartbeatPrefix } heartbeat when _changes is null && _inStream is null:
                // Our own heartbeat, outside any transaction: every commit before it has been handed on.
                return new CommittedTransaction(0, (ulong)heartbeat.MessageLsn, DateTime.UtcNow, []);
            case CommitMessage commit:
                return Commit((ulong)commit.TransactionEndLsn);
            default:
                return null;
        }
    }

    // Begin, Relate, Add and Commit take what the messages carry rather than the messages themselves: Npgsql's
    // message classes cannot be built outside Npgsql, and this way the unit tests drive the decoder without a server.

    /// <summary>Starts a transaction (a begin message).</summary>
    internal void Begin(ulong finalLsn, DateTime commitTimeUtc, uint xid)
    {
        _spill?.Dispose();
        _spill = null;
        _sequence = 0;
        _changes = [];
        _commitLsn = finalLsn;
        _commitTime = commitTimeUtc;
        _xid = xid;
    }

    /// <summary>Remembers the table and column names a relation message describes.</summary>
    /// <remarks>Each position's column is looked up once here, not once per value.</remarks>
    internal void Relate(uint relationId, SourceTable table, string[] columns) =>
        _relations[relationId] = (table, columns, columns.Select(name => table.Columns.FirstOrDefault(c => c.Name == name)).ToArray());

    /// <summary>Ends the transaction (a commit message) and hands it on.</summary>
    internal CommittedTransaction Commit(ulong endLsn)
    {
        var changes = _changes ?? [];
        var spill = _spill;
        _changes = null;
        _spill = null;
        return new CommittedTransaction(_commitLsn, endLsn, _commitTime, changes, spill, _xid);
    }

    /// <summary>Adds a change of the current transaction.</summary>
    internal void Add(uint relationId, char operation, Dictionary<string, object?> values) => Add(relationId, operation, new Row(values, null));

    private void Add(uint relationId, char operation, Row row)
    {
        var table = _relations[relationId].Table;
        if (_inStream is { } stream)
        {
            var streamed = new Change(table, operation, row.Values, StreamedTransaction.Uncommitted, stream.Transaction.Sequence++, stream.Xid, default) { Error = row.Error };
            ToastFiller.Pending(streamed);
            stream.Transaction.Spill.Add(streamed, stream.Transaction.Subtransaction);
            return;
        }

        var change = new Change(table, operation, row.Values, _commitLsn, _sequence++, _xid, _commitTime) { Error = row.Error };
        ToastFiller.Pending(change);
        if (_spill is not null)
        {
            _spill.Add(change);
            return;
        }

        _changes!.Add(change);
        if (_changes.Count >= _spillAfter)
        {
            _spill = new SpillFile(_spillDirectory);
            foreach (var held in _changes)
            {
                _spill.Add(held);
            }

            _changes = [];
        }
    }

    /// <summary>A block of a transaction the server streams while it runs (pgoutput v2) starts.</summary>
    internal void StartStream(uint xid)
    {
        if (!_streamed.TryGetValue(xid, out var transaction))
        {
            _streamed[xid] = transaction = new StreamedTransaction(new SpillFile(_spillDirectory));
        }

        transaction.Subtransaction = xid;
        _inStream = (xid, transaction);
    }

    /// <summary>The block ends: what follows belongs to no streamed transaction until the next block.</summary>
    internal void StopStream() => _inStream = null;

    /// <summary>A streamed transaction, or one of its subtransactions, rolled back: its changes are dropped.</summary>
    internal void AbortStream(uint xid, uint subtransaction)
    {
        _inStream = null;
        if (!_streamed.TryGetValue(xid, out var transaction))
        {
            return;
        }

        if (subtransaction == xid)
        {
            _streamed.Remove(xid);
            transaction.Spill.Dispose();
            ToastFiller.Forget(xid);
        }
        else
        {
            transaction.Spill.Abort(subtransaction);
        }
    }

    /// <summary>A streamed transaction committed: handed on whole, from its spill file.</summary>
    internal CommittedTransaction CommitStream(uint xid, ulong commitLsn, ulong endLsn, DateTime commitTimeUtc)
    {
        _inStream = null;
        var spill = _streamed.Remove(xid, out var transaction) ? transaction.Spill : new SpillFile(_spillDirectory);
        return new CommittedTransaction(commitLsn, endLsn, commitTimeUtc, [], spill, xid);
    }

    /// <summary>The number of streamed transactions begun and not yet committed or aborted.</summary>
    internal int OpenStreams => _streamed.Count;

    /// <summary>Removes the spill files of transactions whose commit never came.</summary>
    public void Dispose()
    {
        _spill?.Dispose();
        foreach (var transaction in _streamed.Values)
        {
            transaction.Spill.Dispose();
        }

        _streamed.Clear();
    }

    /// <summary>Inside a streamed block, the (sub)transaction the next change belongs to: what a later subtransaction abort names.</summary>
    internal void InSubtransaction(uint? xid)
    {
        if (_inStream is { } stream && xid is { } subtransaction)
        {
            stream.Transaction.Subtransaction = subtransaction;
        }
    }

    /// <summary>
    /// Copies a tuple's values out. A value that cannot be converted does not stop the stream: the row keeps the
    /// source's text of it and says why, and the writer quarantines its table (<see cref="Bronze.Quarantine"/>).
    /// </summary>
    private async ValueTask<Row> ReadAsync(uint relationId, ReplicationTuple tuple, CancellationToken cancellationToken)
    {
        var (table, names, byPosition) = _relations[relationId];
        var values = new Dictionary<string, object?>(names.Length, StringComparer.Ordinal);
        string? error = null;
        var i = 0;
        await foreach (var value in tuple.WithCancellation(cancellationToken))
        {
            var position = i++;
            var name = names[position];
            if (value.IsUnchangedToastedValue)
            {
                ToastFiller.MarkUnchanged(values, name);
                continue;
            }

            if (value.IsDBNull)
            {
                values[name] = null;
                continue;
            }

            var column = byPosition[position] ?? throw new InvalidOperationException($"{table.DisplayName} has no column {name}");
            if (value.Kind == TupleDataKind.BinaryValue)
            {
                try
                {
                    values[name] = await BinaryValues.ReadAsync(value, column, table, cancellationToken);
                }
                catch (IngestionException ex)
                {
                    // A value bronze cannot hold (NaN in a numeric, a date out of range): its text is what the
                    // quarantine keeps, and only the text stream has it.
                    throw new TextDecodingNeededException(table, ex.Message, ex);
                }

                continue;
            }

            var text = await value.Get<string>(cancellationToken);
            try
            {
                values[name] = ValueConversion.Parse(text, column, table);
            }
            catch (IngestionException)
            {
                values[name] = text;
                error ??= $"value '{(text.Length > 60 ? text[..57] + "..." : text)}' of {table.DisplayName}.{column.Name} ({column.SourceType}) cannot be stored exactly as {column.Type}";
            }
        }

        return new Row(values, error);
    }

    /// <summary>A tuple's values, and why one of them could not be converted.</summary>
    private readonly record struct Row(Dictionary<string, object?> Values, string? Error);
}
