using Strata.Testing;
using Strata.Transform;
using Strata.Transform.Graph;
using Strata.Transform.Project;

namespace Strata.UnitTests;

/// <summary>Selection syntax against the finance project's graph (no database needed).</summary>
public sealed class SelectionTests
{
    private static readonly Lazy<Task<ProjectGraph>> Graph = new(async () =>
        new ProjectGraph(await ProjectLoader.LoadAsync(Path.Combine(Repository.Root, "analytics"))));

    [Theory]
    [InlineData("+fct_orders", "", "fct_orders order_items orders stg_order_items stg_orders")]
    [InlineData("orders+", "", "fct_order_items fct_orders orders rpt_open_items_by_product rpt_open_orders_by_delivery_date rpt_top_customers_pending rpt_top_delivery_dates")]
    [InlineData("tag:history", "", "customers_history order_items_history orders_history products_history")]
    [InlineData("path:models/gold", "tag:gold", "")]
    [InlineData("path:models/gold", "fct_orders+", "dim_customers dim_products")]
    [InlineData("source:bronze.orders+", "tag:gold", "orders orders_history stg_orders")]
    [InlineData("dim_customers rpt_top_delivery_dates", "", "dim_customers rpt_top_delivery_dates")]
    public async Task Selection_picks_what_the_criteria_say(string select, string exclude, string expected)
    {
        var chosen = Selector.Select(await Graph.Value, Split(select), Split(exclude));
        Assert.Equal(expected, string.Join(' ', chosen.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task The_build_order_puts_every_model_after_what_it_reads()
    {
        var graph = await Graph.Value;
        var position = graph.Order.Select((m, i) => (m.Name, i)).ToDictionary(p => p.Name, p => p.i);
        Assert.All(graph.Order, m => Assert.All(m.Refs, r => Assert.True(position[r] < position[m.Name], $"{r} before {m.Name}")));
        Assert.Equal(Materializations.CurrentState, graph["orders"].Config.Materialized);
        Assert.Equal("silver", graph["orders_history"].Config.Schema);
        Assert.Equal(Materializations.Ephemeral, graph["stg_orders"].Config.Materialized);
    }

    [Fact]
    public async Task An_unknown_model_in_a_selection_is_named_with_a_suggestion()
    {
        var error = Assert.Throws<TransformException>(() => Selector.Select(Graph.Value.Result, ["fct_order"], []));
        Assert.Equal("--select/--exclude fct_order: no model fct_order (did you mean 'fct_orders'?)", error.Message);
    }

    private static string[] Split(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
