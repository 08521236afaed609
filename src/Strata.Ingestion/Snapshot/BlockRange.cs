using System.Globalization;

namespace Strata.Ingestion.Snapshot;

/// <summary>
/// Heap blocks <c>[First, End)</c> of a table (<c>End</c> null: to the end of the table, however large it is by
/// then). Ranges that together cover every block hold every row exactly once, at any point in time, as long as the
/// table's file is the same (a rewrite moves rows between blocks: <see cref="TableLayout"/>).
/// </summary>
internal readonly record struct BlockRange(long First, long? End)
{
    /// <summary>The whole table.</summary>
    public static BlockRange All { get; } = new(0, null);

    /// <summary>The rows of the range, as a condition on <c>ctid</c> (a TID range scan on PostgreSQL 14+).</summary>
    public string Condition => End is { } end
        ? string.Create(CultureInfo.InvariantCulture, $"ctid >= '({First},0)'::tid AND ctid < '({end},0)'::tid")
        : string.Create(CultureInfo.InvariantCulture, $"ctid >= '({First},0)'::tid");

    /// <summary>
    /// What <paramref name="committed"/> leaves of the table, in ranges of at most <paramref name="size"/> blocks up
    /// to block <paramref name="blocks"/> (its size now), the last of them open.
    /// </summary>
    public static List<BlockRange> Remaining(IEnumerable<BlockRange> committed, long blocks, long size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var ranges = new List<BlockRange>();
        long? position = 0;
        foreach (var done in committed.OrderBy(r => r.First))
        {
            if (position is not { } at)
            {
                break;
            }

            Split(at, done.First, ranges, size);
            position = done.End;
        }

        if (position is { } tail)
        {
            var before = ranges.Count;
            Split(tail, blocks, ranges, size);
            if (ranges.Count > before)
            {
                ranges[^1] = ranges[^1] with { End = null };
            }
            else
            {
                ranges.Add(new BlockRange(tail, null));
            }
        }

        return ranges;
    }

    private static void Split(long from, long to, List<BlockRange> into, long size)
    {
        for (var first = from; first < to; first += size)
        {
            into.Add(new BlockRange(first, Math.Min(first + size, to)));
        }
    }
}

/// <summary>
/// What a table's block numbers stand for: its file (a rewrite — VACUUM FULL, CLUSTER, TRUNCATE, a column type change —
/// gives it a new one and moves rows) and its columns. Ranges copied under one layout can be completed under the same.
/// </summary>
/// <param name="Token">The file node and a digest of the columns, compared as text.</param>
/// <param name="Blocks">The table's size in blocks now.</param>
/// <param name="RowsPerBlock">The planner's estimate; 0 when the table was never analyzed.</param>
/// <param name="Plain">True for an ordinary table (a partitioned one has no blocks of its own).</param>
internal sealed record TableLayout(string Token, long Blocks, double RowsPerBlock, bool Plain)
{
    /// <summary>Rows per block assumed for a table the planner has no estimate for.</summary>
    private const double Unanalyzed = 60;

    /// <summary>Blocks in a range of about <paramref name="rows"/> rows.</summary>
    public long BlocksFor(long rows) => Math.Max(1, (long)Math.Ceiling(rows / (RowsPerBlock > 0 ? RowsPerBlock : Unanalyzed)));
}
