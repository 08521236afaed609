namespace Strata.Ingestion.Bronze;

/// <summary>
/// The bronze metadata of streamed changes, boxed in <see cref="BronzeTable.MetadataColumns"/> order. The changes of
/// one transaction share their LSN, transaction id and commit time, and a write shares its ingestion time, so each
/// is boxed once for all of them rather than once per row; the array is filled anew for each change.
/// </summary>
internal sealed class StreamMetadata(DateTime ingestedAt)
{
    private static readonly object[] Sequences = [.. Enumerable.Range(0, 1024).Select(i => (object)i)];

    private readonly object?[] _values = [null, null, null, null, null, ingestedAt];
    private ulong? _lsn;
    private long? _transactionId;
    private DateTime? _commitTime;

    /// <summary>The metadata of <paramref name="change"/>, valid until the next call.</summary>
    public object?[] Of(Change change)
    {
        _values[0] = change.Operation switch { 'r' => "r", 'c' => "c", 'u' => "u", 'd' => "d", 't' => "t", var other => other.ToString() };
        if (change.Lsn != _lsn)
        {
            _lsn = change.Lsn;
            _values[1] = (long)change.Lsn;
        }

        _values[2] = change.Sequence is >= 0 and < 1024 ? Sequences[change.Sequence] : change.Sequence;
        if (change.TransactionId != _transactionId)
        {
            _transactionId = change.TransactionId;
            _values[3] = change.TransactionId;
        }

        if (change.CommitTime != _commitTime)
        {
            _commitTime = change.CommitTime;
            _values[4] = change.CommitTime;
        }

        return _values;
    }
}
