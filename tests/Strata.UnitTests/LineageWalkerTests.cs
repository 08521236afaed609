using Strata.Transform.Lineage;
using Strata.Warehouse.DuckDb;

namespace Strata.UnitTests;

/// <summary>
/// Column-level lineage over DuckDB's syntax tree: each case's expected edges are worked out by hand from its SQL.
/// Relations: <c>raw.orders(id, customer_id, amount, status)</c> and <c>raw.customers(id, name, country)</c> with
/// known columns, <c>raw.events</c> with columns not known.
/// </summary>
public sealed class LineageWalkerTests : IDisposable
{
    private const string Orders = "source.raw.orders";
    private const string Customers = "source.raw.customers";
    private const string Events = "source.raw.events";

    private readonly DuckDbSqlParser _parser = new();

    public void Dispose() => _parser.Dispose();

    private static LineageRelation? Resolve(string schema, string table) => (schema, table) switch
    {
        ("raw", "orders") => new LineageRelation(Orders, ["id", "customer_id", "amount", "status"]),
        ("raw", "customers") => new LineageRelation(Customers, ["id", "name", "country"]),
        ("raw", "events") => new LineageRelation(Events, null),
        ("", "__strata_cte__stg_eph") => new LineageRelation("model.stg_eph", ["k", "v"]),
        _ => null,
    };

    private LineageResult Walk(string sql) => ColumnLineage.Of(_parser, sql, Resolve);

    /// <summary>Each output column as <c>name: node.column, …</c>, or <c>name: ?reason</c> when not fully known.</summary>
    private Dictionary<string, string> Edges(string sql)
    {
        var result = Walk(sql);
        Assert.True(result.Unknown is null, result.Unknown);
        return result.Columns.ToDictionary(c => c.Name ?? "?", c =>
            (c.Unknown is null ? "" : "?") + string.Join(", ", c.Upstream.Select(u => $"{u.Node[(u.Node.LastIndexOf('.') + 1)..]}.{u.Column}")));
    }

    [Fact]
    public void Aliases_follow_through_a_chain_of_ctes()
    {
        var edges = Edges("""
            with a as (select id as order_id, amount * 2 as doubled from raw.orders),
                 b as (select order_id as oid, doubled + 1 as more from a)
            select oid, more, more as again from b
            """);

        Assert.Equal(new Dictionary<string, string> { ["oid"] = "orders.id", ["more"] = "orders.amount", ["again"] = "orders.amount" }, edges);
    }

    [Fact]
    public void A_cte_shadows_a_table_and_an_inner_alias_shadows_an_outer_one()
    {
        // The CTE named like a table hides it; inside the subquery, o is customers, not the outer orders.
        var edges = Edges("""
            with customers as (select id, status as name from raw.orders)
            select o.id, (select max(o.name) from raw.customers o) as inner_name, customers.name
            from raw.orders o join customers on customers.id = o.id
            """);

        Assert.Equal(new Dictionary<string, string> { ["id"] = "orders.id", ["inner_name"] = "customers.name", ["name"] = "orders.status" }, edges);
    }

    [Fact]
    public void A_star_through_a_cte_expands_to_the_known_columns_with_exclude_and_replace()
    {
        var edges = Edges("""
            with c as (select * exclude (country) from raw.customers)
            select * replace (upper(name) || id as name) from c
            """);

        Assert.Equal(new Dictionary<string, string> { ["id"] = "customers.id", ["name"] = "customers.name, customers.id" }, edges);
    }

    [Fact]
    public void A_union_takes_its_columns_by_position_from_every_part()
    {
        var edges = Edges("select id, amount as value from raw.orders union all select id, name from raw.customers union select 0, 'none'");

        Assert.Equal(new Dictionary<string, string> { ["id"] = "orders.id, customers.id", ["value"] = "orders.amount, customers.name" }, edges);
    }

    [Fact]
    public void Except_and_intersect_take_their_values_from_the_first_part_and_values_lists_are_constants()
    {
        var except = Edges("select id from raw.orders except select id from raw.customers");
        var intersect = Edges("select id from raw.orders intersect select id from raw.customers");
        var values = Edges("select t.a, b from (values (1, 'x')) t(a, b)");

        Assert.Equal(new Dictionary<string, string> { ["id"] = "orders.id" }, except);
        Assert.Equal(new Dictionary<string, string> { ["id"] = "orders.id" }, intersect);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "", ["b"] = "" }, values);
    }

    [Fact]
    public void Join_using_merges_both_sides_and_a_star_lists_the_column_once()
    {
        var result = Walk("select * from raw.orders o join raw.customers c using (id)");

        Assert.Null(result.Unknown);
        Assert.Equal(["id", "customer_id", "amount", "status", "name", "country"], result.Columns.Select(c => c.Name));
        Assert.Equal([new ColumnRef(Orders, "id"), new ColumnRef(Customers, "id")], result.Columns[0].Upstream);
        Assert.Equal([new ColumnRef(Customers, "name")], result.Columns[4].Upstream);
    }

    [Fact]
    public void A_correlated_subquery_reads_its_select_list_not_its_filter()
    {
        var edges = Edges("""
            select c.name, (select sum(o.amount) from raw.orders o where o.customer_id = c.id) as spent,
                   exists (select 1 from raw.orders o where o.customer_id = c.id) as has_orders
            from raw.customers c
            """);

        Assert.Equal(new Dictionary<string, string> { ["name"] = "customers.name", ["spent"] = "orders.amount", ["has_orders"] = "" }, edges);
    }

    [Fact]
    public void A_window_reads_its_arguments_partitions_and_orders_and_an_aggregate_its_arguments()
    {
        var edges = Edges("""
            select customer_id, sum(amount) over (partition by status order by id) as running,
                   count(*) as n, count(distinct status) filter (where amount > 0) as statuses
            from raw.orders group by all
            """);

        Assert.Equal(new Dictionary<string, string>
        {
            ["customer_id"] = "orders.customer_id",
            ["running"] = "orders.amount, orders.status, orders.id",
            ["n"] = "",
            ["statuses"] = "orders.status, orders.amount",
        }, edges);
    }

    [Fact]
    public void A_case_reads_its_conditions_and_its_results()
    {
        var edges = Edges("select case when o.amount > 100 then c.name when o.status = 'x' then 'big' else c.country end as label from raw.orders o join raw.customers c on c.id = o.customer_id");

        Assert.Equal(new Dictionary<string, string> { ["label"] = "orders.amount, customers.name, orders.status, customers.country" }, edges);
    }

    [Fact]
    public void A_subquery_in_from_with_column_aliases_and_an_earlier_select_alias()
    {
        var edges = Edges("select t.total, total * 2 as twice, twice + 1 as more from (select sum(amount) from raw.orders) as t(total)");

        Assert.Equal(new Dictionary<string, string> { ["total"] = "orders.amount", ["twice"] = "orders.amount", ["more"] = "orders.amount" }, edges);
    }

    [Fact]
    public void An_inlined_ephemeral_model_is_its_own_node_not_its_body()
    {
        var edges = Edges("with __strata_cte__stg_eph as (select id as k, amount as v from raw.orders) select k, v from __strata_cte__stg_eph");

        Assert.Equal(new Dictionary<string, string> { ["k"] = "stg_eph.k", ["v"] = "stg_eph.v" }, edges);
    }

    [Fact]
    public void A_relation_with_unknown_columns_still_resolves_qualified_and_sole_references_but_not_a_star()
    {
        var edges = Edges("select e.kind, payload from raw.events e");
        var star = Walk("select * from raw.events");
        var ambiguous = Walk("select kind from raw.events e join raw.orders o on o.id = e.order_id");

        Assert.Equal(new Dictionary<string, string> { ["kind"] = "events.kind", ["payload"] = "events.payload" }, edges);
        Assert.StartsWith("select * reads source.raw.events, whose columns are not known", star.Unknown, StringComparison.Ordinal);
        var kind = Assert.Single(ambiguous.Columns);
        Assert.Empty(kind.Upstream);
        Assert.Contains("could be in source.raw.events", kind.Unknown, StringComparison.Ordinal);
    }

    [Fact]
    public void Sql_duckdb_cannot_parse_is_unknown_with_the_parsers_reason()
    {
        var result = Walk("select id from raw.orders connect by prior id = customer_id");

        Assert.Empty(result.Columns);
        Assert.StartsWith("DuckDB's parser: syntax error", result.Unknown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_function_and_a_lambda_parameter_are_not_taken_for_columns()
    {
        var result = Walk("select list_transform([amount], x -> x + id) as l, (select count(*) from range(3)) as three from raw.orders");
        var generated = Walk("select range as n from range(3)");

        Assert.Equal([new ColumnRef(Orders, "amount"), new ColumnRef(Orders, "id")], result.Columns[0].Upstream);
        Assert.Null(result.Columns[0].Unknown);
        Assert.Contains("range() is not followed", Assert.Single(generated.Columns).Unknown, StringComparison.Ordinal);
    }
}
