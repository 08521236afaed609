using Strata.Ingestion.Catalog;
using Strata.Ingestion.Resync;
using Strata.Output;

namespace Strata.Ingestion.Snapshot;

/// <summary>
/// One table's copy in a snapshot: whether it goes on with the ranges an earlier copy committed, under which
/// <c>_lsn</c> its rows go, and the ranges still to copy.
/// </summary>
/// <remarks>
/// Going on mixes rows read at two points under the older one's stamp. That is exact for a table with a key: every
/// change between the two points is streamed (the stream starts at or before the stamp) and orders after the stamp,
/// so each key's latest version is right, whichever copy a row was read in. It needs the blocks to mean the same rows
/// (the same file and columns: <see cref="TableLayout"/>); a table without a key, whose state is a multiset, would
/// count a row an update moved between ranges twice, so it is copied anew.
/// </remarks>
internal sealed class TableCopy(SourceTable table, IReadOnlyList<RangeRecord> unfinished, ulong lsn, ulong streamFrom, IProgressTask progress)
{
    private bool _goesOn;
    private long _sequence = -1;

    public SourceTable Table => table;

    public IProgressTask Progress => progress;

    /// <summary>The <c>_lsn</c> of every row of the table's snapshot (known once <see cref="Plan"/> has decided).</summary>
    public ulong Stamp => _goesOn ? unfinished[0].Lsn : lsn;

    /// <summary>Rows the earlier copy committed and this one keeps.</summary>
    public long Committed => _goesOn ? unfinished.Sum(r => r.Rows) : 0;

    /// <summary>
    /// The next row's <c>_seq</c>: unique in the table's snapshot across ranges copied at once, after the rows the
    /// earlier copy committed.
    /// </summary>
    public int NextSequence() => (int)(Interlocked.Increment(ref _sequence) % int.MaxValue);

    /// <summary>The earlier copy's rows and records are to be removed (in a transaction of their own, before any range).</summary>
    public bool Discards => unfinished.Count > 0 && !_goesOn;

    /// <summary>
    /// The ranges to copy, given the table's layout in this snapshot (null: in one piece), and whether the earlier
    /// copy's ranges still stand: of one stamp, no older than where the stream starts, under this same layout, in a
    /// table with a key.
    /// </summary>
    public List<BlockRange> Plan(TableLayout? layout, long rangeRows)
    {
        var stamp = unfinished.Count > 0 ? unfinished[0].Lsn : 0;
        _goesOn = layout is { Plain: true } && unfinished.Count > 0 && stamp >= streamFrom && unfinished.All(r => r.Lsn == stamp && r.Layout == layout.Token)
            && table.Columns.Any(c => c.IsKey);
        _sequence = Committed - 1;
        return layout is { Plain: true } ? BlockRange.Remaining(_goesOn ? unfinished.Select(r => r.Range) : [], layout.Blocks, layout.BlocksFor(rangeRows)) : [BlockRange.All];
    }
}
