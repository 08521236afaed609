using Strata.Host;
using Strata.Transform.Execution;

namespace Strata.UnitTests;

/// <summary>The headline age of gold: the worst gold relation, from what its last successful build read.</summary>
public sealed class GoldAgeTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_age_of_gold_is_that_of_its_oldest_relation_not_of_silver()
    {
        var state = new PlatformState
        {
            GoldRelations = ["rpt_top_customers", "rpt_open_orders"],
            AsOf = new Dictionary<string, DataAsOf>
            {
                ["orders"] = new(900, Now.AddSeconds(-1)),            // silver moved on
                ["rpt_top_customers"] = new(800, Now.AddSeconds(-85)), // skipped since: keeps its old as-of
                ["rpt_open_orders"] = new(900, Now.AddSeconds(-1)),
            },
        };

        Assert.Equal(85, state.GoldAgeSeconds(Now));
    }

    [Fact]
    public void Before_any_gold_relation_is_built_there_is_no_age()
    {
        var state = new PlatformState { GoldRelations = ["rpt_top_customers"], AsOf = new Dictionary<string, DataAsOf> { ["orders"] = new(1, Now) } };

        Assert.Null(state.GoldAgeSeconds(Now));
    }

    [Fact]
    public void Several_relations_are_as_of_the_least_complete_one()
    {
        DataAsOf fresh = new(900, Now), stale = new(800, Now.AddMinutes(-2));

        Assert.Equal(stale, DataAsOf.Oldest([fresh, null, stale]));
        Assert.Null(DataAsOf.Oldest([null]));
    }
}
