using Strata.Ingestion.Snapshot;

namespace Strata.UnitTests;

/// <summary>The block ranges a table's snapshot copies: together they always cover every block exactly once.</summary>
public sealed class BlockRangeTests
{
    [Fact]
    public void A_new_copy_splits_the_table_and_leaves_the_last_range_open()
    {
        Assert.Equal([new(0, 4), new(4, 8), new BlockRange(8, null)], BlockRange.Remaining([], blocks: 10, size: 4));
        Assert.Equal([new(0, 4), new BlockRange(4, null)], BlockRange.Remaining([], blocks: 8, size: 4));
        Assert.Equal([BlockRange.All], BlockRange.Remaining([], blocks: 0, size: 4));
    }

    [Fact]
    public void A_copy_that_goes_on_fills_the_gaps_its_committed_ranges_leave()
    {
        BlockRange[] committed = [new(4, 8), new(0, 4), new(12, 16)];
        var rest = BlockRange.Remaining(committed, blocks: 20, size: 4);
        Assert.Equal([new(8, 12), new BlockRange(16, null)], rest);
    }

    [Fact]
    public void A_table_that_shrank_since_its_ranges_were_committed_still_gets_its_open_tail()
    {
        // Vacuum truncated the file below the committed ranges: whatever lies past them is still copied, once.
        Assert.Equal([new BlockRange(8, null)], BlockRange.Remaining([new(0, 4), new(4, 8)], blocks: 3, size: 4));
    }

    [Fact]
    public void A_range_reads_as_a_tid_condition()
    {
        Assert.Equal("ctid >= '(4,0)'::tid AND ctid < '(8,0)'::tid", new BlockRange(4, 8).Condition);
        Assert.Equal("ctid >= '(8,0)'::tid", new BlockRange(8, null).Condition);
    }

    [Fact]
    public void A_range_is_about_the_rows_asked_for()
    {
        Assert.Equal(10, new TableLayout("1:x", 1000, 100, Plain: true).BlocksFor(1000));
        Assert.Equal(17, new TableLayout("1:x", 1000, 0, Plain: true).BlocksFor(1000));
        Assert.Equal(1, new TableLayout("1:x", 1000, 100, Plain: true).BlocksFor(1));
    }
}
