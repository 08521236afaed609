using Strata.Host.Web;

namespace Strata.UnitTests;

/// <summary>p50/p95/p99 by nearest rank: the value at rank ⌈p·n⌉ of the sorted samples (1-based).</summary>
public sealed class PercentilesTests
{
    [Fact]
    public void No_samples_have_no_percentiles()
    {
        Assert.Equal(new Percentiles(0, null, null, null), Percentiles.Of([]));
    }

    [Fact]
    public void One_sample_is_every_percentile()
    {
        Assert.Equal(new Percentiles(1, 4.2, 4.2, 4.2), Percentiles.Of([4.2]));
    }

    [Fact]
    public void Two_samples_split_at_the_median()
    {
        // ⌈0.5·2⌉ = 1 → 10; ⌈0.95·2⌉ = ⌈1.9⌉ = 2 → 20; ⌈0.99·2⌉ = 2 → 20.
        Assert.Equal(new Percentiles(2, 10, 20, 20), Percentiles.Of([20, 10]));
    }

    [Fact]
    public void Ten_unsorted_samples()
    {
        // Sorted 1..10: ⌈5⌉ = 5 → 5; ⌈9.5⌉ = 10 → 10; ⌈9.9⌉ = 10 → 10.
        Assert.Equal(new Percentiles(10, 5, 10, 10), Percentiles.Of([7, 3, 10, 1, 9, 2, 8, 4, 6, 5]));
    }

    [Fact]
    public void Exact_ranks_take_the_sample_at_that_rank_without_interpolating()
    {
        // 1..100 in reverse: ranks 50, 95 and 99 exactly.
        var samples = Enumerable.Range(1, 100).Reverse().Select(i => i * 1.5).ToList();

        Assert.Equal(new Percentiles(100, 75, 142.5, 148.5), Percentiles.Of(samples));
    }

    [Fact]
    public void Between_ranks_the_next_sample_up_is_taken()
    {
        // n = 7: ⌈3.5⌉ = 4; ⌈6.65⌉ = 7; ⌈6.93⌉ = 7.
        Assert.Equal(new Percentiles(7, 40, 70, 70), Percentiles.Of([70, 10, 60, 20, 50, 30, 40]));
    }

    [Fact]
    public void A_thousand_samples()
    {
        var random = new Random(1234);
        var samples = Enumerable.Range(1, 1000).Select(i => (double)i).OrderBy(_ => random.Next()).ToList();

        Assert.Equal(new Percentiles(1000, 500, 950, 990), Percentiles.Of(samples));
    }

    [Fact]
    public void Ties_and_negative_values_rank_like_any_others()
    {
        // Sorted: -3 -3 0 0 0 2: ⌈3⌉ = 3 → 0; ⌈5.7⌉ = 6 → 2; ⌈5.94⌉ = 6 → 2.
        Assert.Equal(new Percentiles(6, 0, 2, 2), Percentiles.Of([0, 2, -3, 0, -3, 0]));
    }

    [Fact]
    public void The_samples_given_are_left_in_their_order()
    {
        var samples = new List<double> { 3, 1, 2 };

        Percentiles.Of(samples);

        Assert.Equal([3.0, 1.0, 2.0], samples);
    }
}
