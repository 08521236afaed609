using Strata.Host;
using Strata.Transform.Execution;

namespace Strata.UnitTests;

/// <summary>
/// The headline age of gold: for the worst gold relation, how long the oldest change bronze has and the relation
/// does not has waited, from what its last successful build read.
/// </summary>
public sealed class GoldAgeTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);

    private static PlatformState State(params (ulong Checkpoint, double SecondsAgo)[] commits)
    {
        var state = new PlatformState { GoldRelations = ["rpt_top_customers", "rpt_open_orders"] };
        foreach (var (checkpoint, ago) in commits)
        {
            state.BronzeCommits.Enqueue((checkpoint, Now.AddSeconds(-ago)));
        }

        return state;
    }

    [Fact]
    public void A_gold_relation_held_back_ages_from_the_oldest_change_it_lacks_while_silver_moves_on()
    {
        var state = State((800, 120), (850, 85), (900, 1));
        state.AsOf = new Dictionary<string, DataAsOf>
        {
            ["orders"] = new(900, Now.AddSeconds(-1)),             // silver moved on
            ["rpt_top_customers"] = new(800, Now.AddSeconds(-120)), // skipped since: keeps its old as-of
            ["rpt_open_orders"] = new(900, Now.AddSeconds(-1)),
        };

        Assert.Equal(85, state.GoldAgeSeconds(Now));
        Assert.Equal("warn", state.GoldStatus(Now));
        state.ErrorAfter = TimeSpan.FromSeconds(60);
        Assert.Equal("error", state.GoldStatus(Now));
    }

    [Fact]
    public void Gold_that_holds_everything_bronze_has_is_not_aged_by_an_idle_source()
    {
        var state = State((800, 3600));
        state.AsOf = new Dictionary<string, DataAsOf> { ["rpt_top_customers"] = new(800, Now.AddHours(-1)), ["rpt_open_orders"] = new(800, Now.AddHours(-1)) };

        Assert.Equal(0, state.GoldAgeSeconds(Now));
        state.TrimBronzeCommits();
        Assert.Empty(state.BronzeCommits);
        Assert.Equal("ok", state.GoldStatus(Now));
    }

    [Fact]
    public void Before_any_gold_relation_is_built_there_is_no_age_and_a_failed_ingestion_is_an_error()
    {
        var state = State((1, 10));
        state.AsOf = new Dictionary<string, DataAsOf> { ["orders"] = new(1, Now) };

        Assert.Null(state.GoldAgeSeconds(Now));
        Assert.Equal("unknown", state.GoldStatus(Now));
        state.Workers.Failed("ingestion", "replication slot strata_finance is missing");
        Assert.Equal("error", state.GoldStatus(Now));
    }

    [Fact]
    public void While_ingestion_reconnects_fresh_gold_is_at_least_amber()
    {
        var state = State((1, 10));
        state.AsOf = new Dictionary<string, DataAsOf> { ["rpt_top_customers"] = new(900, Now), ["rpt_open_orders"] = new(900, Now) };
        state.Workers.Healthy("ingestion", "streaming");
        Assert.Equal("ok", state.GoldStatus(Now));

        state.Workers.Degraded("ingestion", "lost the connection to the source; resuming from the checkpoint in 2.0 s (attempt 2)");
        Assert.Equal("warn", state.GoldStatus(Now));
    }

    [Fact]
    public void Several_relations_are_as_of_the_least_complete_one()
    {
        DataAsOf fresh = new(900, Now), stale = new(800, Now.AddMinutes(-2));

        Assert.Equal(stale, DataAsOf.Oldest([fresh, null, stale]));
        Assert.Null(DataAsOf.Oldest([null]));
    }
}
