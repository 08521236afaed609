using System.Text.Json;
using Strata.Testing;
using Strata.Warehouse.DuckDb;

namespace Strata.Tests.Transform;

/// <summary>
/// <c>strata docs</c> on a small dbt project, built first so the warehouse has its columns and results: the catalog
/// holds every node, column, test and description, and the lineage edges worked out by hand from the SQL below.
/// </summary>
public sealed class DocsSiteTests : IDisposable
{
    private const string Hostile = "<script>alert(1)</script>";

    private readonly TestProject _project = TestProject.Empty();

    private string WarehousePath => Path.Combine(_project.Directory, ".strata", "warehouse.duckdb");

    public void Dispose() => _project.Dispose();

    private static readonly Dictionary<string, string> Files = new()
    {
        ["dbt_project.yml"] = """
            name: shop
            models:
              shop:
                staging:
                  +materialized: view
                  +schema: staging
                marts:
                  +materialized: table
                  +schema: marts
            """,
        ["models/staging/_sources.yml"] = $$"""
            version: 2
            sources:
              - name: raw
                schema: raw_data
                description: The shop's database.
                freshness:
                  warn_after: {count: 12, period: hour}
                  error_after: {count: 1, period: day}
                tables:
                  - name: orders
                    description: "{{Hostile}} One row per order."
                    loaded_at_field: loaded_at
                    columns:
                      - name: id
                        description: The order's key.
                        data_tests: [unique, not_null]
                  - name: customers
                    columns:
                      - name: name
                        description: Full name.
            """,
        ["seeds/countries.csv"] = "code,country_name\nNL,Netherlands\nFR,France\n",
        ["seeds/seeds.yml"] = """
            version: 2
            seeds:
              - name: countries
                description: ISO country codes.
                columns:
                  - name: code
                    description: Two letters.
            """,
        ["models/staging/stg_orders.sql"] = "select id as order_id, customer_id, amount, lower(status) as status from {{ source('raw', 'orders') }}",
        ["models/staging/stg_customers.sql"] =
            "select c.*, k.country_name from {{ source('raw', 'customers') }} c left join {{ ref('countries') }} k on k.code = c.country_code",
        ["models/marts/customer_revenue.sql"] = """
            with orders as (
                select customer_id, sum(amount) as revenue, count(*) as orders
                from {{ ref('stg_orders') }}
                where status <> 'cancelled'
                group by customer_id
            ),
            ranked as (
                select customer_id, revenue, orders, rank() over (order by revenue desc) as revenue_rank from orders
            )
            select c.id as customer_id, c.name, c.country_name, coalesce(r.revenue, 0) as revenue, r.orders, r.revenue_rank,
                   case when r.revenue > 100 then 'big' else 'small' end as segment
            from {{ ref('stg_customers') }} c
            left join ranked r on r.customer_id = c.id
            """,
        // Oracle's hierarchical query: DuckDB's parser refuses it, so its lineage is unknown (and it does not build).
        ["models/marts/oracle_style.sql"] = "select order_id from {{ ref('stg_orders') }} connect by prior order_id = customer_id",
        ["models/marts/marts.yml"] = """
            version: 2
            models:
              - name: customer_revenue
                description: Revenue per customer, ranked.
                columns:
                  - name: customer_id
                    description: The customer.
                    data_tests: [not_null]
                  - name: revenue
                    description: "{{ doc('revenue') }}"
              - name: oracle_style
                description: Written for another engine.
                columns:
                  - name: order_id
                    data_type: bigint
            """,
        ["models/staging/unit.yml"] = """
            version: 2
            unit_tests:
              - name: stg_orders_lowercases_status
                model: stg_orders
                given:
                  - input: source('raw', 'orders')
                    rows:
                      - {id: 1, customer_id: 7, amount: 5.5, status: OPEN}
                expect:
                  rows:
                    - {order_id: 1, customer_id: 7, amount: 5.5, status: open}
            """,
        ["models/docs.md"] = "{% docs revenue %}\nThe sum of the amounts of orders not cancelled.\n\nIn the shop's currency.\n{% enddocs %}\n",
        ["tests/revenue_not_negative.sql"] = "select * from {{ ref('customer_revenue') }} where revenue < 0",
    };

    private async Task<(JsonElement Summary, JsonElement Catalog, string Html)> DocsAsync()
    {
        TransformProjects.Write(_project.Directory, Files);
        await using (var warehouse = await DuckDbWarehouse.OpenAsync(WarehousePath))
        {
            await warehouse.EnsureSchemaAsync("raw_data");
            await warehouse.ExecuteAsync("CREATE TABLE raw_data.orders AS SELECT * FROM (VALUES (1, 10, 120.5, 'OPEN', now()), (2, 10, 3.0, 'Cancelled', now())) AS t(id, customer_id, amount, status, loaded_at)");
            await warehouse.ExecuteAsync("CREATE TABLE raw_data.customers AS SELECT * FROM (VALUES (10, 'Ada', 'NL')) AS t(id, name, country_code)");
        }

        // oracle_style fails to build, and only it: the rest is built and tested.
        var build = await _project.RunAsync("build", "--json");
        Assert.Equal(1, build.ExitCode);
        using (var results = JsonDocument.Parse(build.Output))
        {
            Assert.Equal(["customer_revenue|success", "oracle_style|error", "stg_customers|success", "stg_orders|success"],
                results.RootElement.GetProperty("models").EnumerateArray().Where(m => m.GetProperty("materialized").GetString() != "seed")
                    .Select(m => $"{m.GetProperty("model").GetString()}|{m.GetProperty("status").GetString()}").Order(StringComparer.Ordinal));
        }

        var docs = await _project.RunAsync("docs", "--json");
        Assert.True(docs.ExitCode == 0, docs.ToString());
        var summary = JsonDocument.Parse(docs.Output).RootElement.Clone();
        var folder = summary.GetProperty("path").GetString()!;
        var catalog = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "catalog.json"))).RootElement.Clone();
        return (summary, catalog, await File.ReadAllTextAsync(Path.Combine(folder, "index.html")));
    }

    private static JsonElement Node(JsonElement catalog, string id) => Assert.Single(catalog.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("id").GetString() == id);

    private static JsonElement Column(JsonElement node, string name) => Assert.Single(node.GetProperty("columns").EnumerateArray(), c => c.GetProperty("name").GetString() == name);

    /// <summary>A column's upstream as <c>node.column</c> texts.</summary>
    private static List<string> Upstream(JsonElement node, string column) =>
        Column(node, column).GetProperty("upstream").EnumerateArray().Select(u => $"{u.GetProperty("node").GetString()}.{u.GetProperty("column").GetString()}").ToList();

    [Fact]
    public async Task The_catalog_holds_every_node_column_test_and_description_and_the_column_lineage_of_the_sql()
    {
        var (summary, catalog, _) = await DocsAsync();

        Assert.Equal(Path.Combine(_project.Directory, "target", "docs"), summary.GetProperty("path").GetString());
        Assert.Equal((4, 1, 2, 5), (summary.GetProperty("models").GetInt32(), summary.GetProperty("seeds").GetInt32(), summary.GetProperty("sources").GetInt32(), summary.GetProperty("tests").GetInt32()));
        var unknown = Assert.Single(summary.GetProperty("unknown_lineage").EnumerateArray());
        Assert.Equal("oracle_style", unknown.GetProperty("model").GetString());
        Assert.StartsWith("DuckDB's parser: syntax error", unknown.GetProperty("reason").GetString(), StringComparison.Ordinal);

        Assert.Equal(["seed.countries", "model.stg_customers", "model.stg_orders", "model.customer_revenue", "model.oracle_style"],
            catalog.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.Equal(["source.raw.orders", "source.raw.customers"], catalog.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.Equal(
            ["not_null_customer_revenue_customer_id|not_null", "not_null_source_raw_orders_id|not_null", "revenue_not_negative|singular",
             "stg_orders_lowercases_status|unit", "unique_source_raw_orders_id|unique"],
            catalog.GetProperty("tests").EnumerateArray().Select(t => $"{t.GetProperty("name").GetString()}|{t.GetProperty("kind").GetString()}"));

        // Sources: descriptions, freshness, the warehouse's columns with the documented descriptions.
        var orders = Assert.Single(catalog.GetProperty("sources").EnumerateArray(), s => s.GetProperty("name").GetString() == "orders");
        Assert.Equal(Hostile + " One row per order.", orders.GetProperty("description").GetString());
        Assert.Equal(("loaded_at", 43200.0, 86400.0), (orders.GetProperty("loaded_at_field").GetString(), orders.GetProperty("warn_after_seconds").GetDouble(), orders.GetProperty("error_after_seconds").GetDouble()));
        Assert.Equal(["id", "customer_id", "amount", "status", "loaded_at"], orders.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal("The order's key.", Column(orders, "id").GetProperty("description").GetString());
        Assert.Equal("The shop's database.", Assert.Single(catalog.GetProperty("sources").EnumerateArray(), s => s.GetProperty("name").GetString() == "customers").GetProperty("description").GetString());

        // The seed: its file's columns, described.
        var countries = Node(catalog, "seed.countries");
        Assert.Equal(("ISO country codes.", "none"), (countries.GetProperty("description").GetString(), countries.GetProperty("lineage").GetString()));
        Assert.Equal("Two letters.", Column(countries, "code").GetProperty("description").GetString());

        // Staging: renames and a qualified star expanded with the source's columns.
        var stgOrders = Node(catalog, "model.stg_orders");
        Assert.Equal(["source.raw.orders.id"], Upstream(stgOrders, "order_id"));
        Assert.Equal(["source.raw.orders.status"], Upstream(stgOrders, "status"));
        var stgCustomers = Node(catalog, "model.stg_customers");
        Assert.Equal(["id", "name", "country_code", "country_name"], stgCustomers.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["source.raw.customers.name"], Upstream(stgCustomers, "name"));
        Assert.Equal(["seed.countries.country_name"], Upstream(stgCustomers, "country_name"));

        // The mart: through two CTEs, an aggregate, a window and a CASE; count(*) reads no column.
        var mart = Node(catalog, "model.customer_revenue");
        Assert.Equal(("computed", "table", "marts.customer_revenue"), (mart.GetProperty("lineage").GetString(), mart.GetProperty("materialized").GetString(), mart.GetProperty("relation").GetString()));
        Assert.Equal(["model.stg_customers.id"], Upstream(mart, "customer_id"));
        Assert.Equal(["model.stg_customers.country_name"], Upstream(mart, "country_name"));
        Assert.Equal(["model.stg_orders.amount"], Upstream(mart, "revenue"));
        Assert.Empty(Upstream(mart, "orders"));
        Assert.Equal(["model.stg_orders.amount"], Upstream(mart, "revenue_rank"));
        Assert.Equal(["model.stg_orders.amount"], Upstream(mart, "segment"));
        Assert.All(mart.GetProperty("columns").EnumerateArray(), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("lineage_unknown").ValueKind));
        Assert.Equal("The sum of the amounts of orders not cancelled.\n\nIn the shop's currency.", Column(mart, "revenue").GetProperty("description").GetString());
        Assert.Equal("The customer.", Column(mart, "customer_id").GetProperty("description").GetString());
        Assert.False(string.IsNullOrEmpty(Column(mart, "revenue").GetProperty("data_type").GetString()));
        Assert.Contains("\"staging\".\"stg_orders\"", mart.GetProperty("compiled_sql").GetString(), StringComparison.Ordinal);
        Assert.Equal("success", mart.GetProperty("last_run").GetString());
        Assert.Equal(["model.stg_customers", "model.stg_orders"], mart.GetProperty("depends_on").EnumerateArray().Select(d => d.GetString()).Order(StringComparer.Ordinal));
        var notNull = Assert.Single(catalog.GetProperty("tests").EnumerateArray(), t => t.GetProperty("name").GetString() == "not_null_customer_revenue_customer_id");
        Assert.Equal(("pass", "customer_id", "model.customer_revenue"), (notNull.GetProperty("last_status").GetString(), notNull.GetProperty("column").GetString(), Assert.Single(notNull.GetProperty("on").EnumerateArray()).GetString()));

        // Every edge of a column is one of catalog's lineage_edges.
        Assert.Contains(catalog.GetProperty("lineage_edges").EnumerateArray(), e =>
            e.GetProperty("from_node").GetString() == "model.stg_orders" && e.GetProperty("from_column").GetString() == "amount" &&
            e.GetProperty("to_node").GetString() == "model.customer_revenue" && e.GetProperty("to_column").GetString() == "segment");
        Assert.Equal(summary.GetProperty("lineage_edges").GetInt32(), catalog.GetProperty("lineage_edges").GetArrayLength());

        // Unparseable: unknown with the parser's reason; its documented column keeps the yml's data_type.
        var oracle = Node(catalog, "model.oracle_style");
        Assert.Equal("unknown", oracle.GetProperty("lineage").GetString());
        Assert.Equal("bigint", Column(oracle, "order_id").GetProperty("data_type").GetString());
        Assert.Empty(Upstream(oracle, "order_id"));

        Assert.Equal("revenue", Assert.Single(catalog.GetProperty("doc_blocks").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_page_is_self_contained_and_a_hostile_description_stays_text()
    {
        var (_, _, html) = await DocsAsync();

        Assert.DoesNotContain(Hostile, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\\u003Cscript\\u003Ealert(1)", html, StringComparison.Ordinal);
        // Two script elements: the JSON island and the page's own; nothing loaded from elsewhere.
        Assert.Equal(2, html.Split("<script", StringSplitOptions.None).Length - 1);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"http", html, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"graph\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"#node/model.customer_revenue\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Before_anything_is_built_lineage_comes_from_the_sql_and_the_seed_files_alone()
    {
        TransformProjects.Write(_project.Directory, new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\n",
            ["models/sources.yml"] = "version: 2\nsources:\n  - name: raw\n    tables: [{name: orders}]\n",
            ["seeds/countries.csv"] = "code,country_name\nNL,Netherlands\n",
            ["models/country_list.sql"] = "select * from {{ ref('countries') }}",
            ["models/short_names.sql"] = "select upper(code) as code from {{ ref('country_list') }}",
            ["models/all_orders.sql"] = "select * from {{ source('raw', 'orders') }}",
        });

        var docs = await _project.RunAsync("docs", "--json", "--out", "site");

        Assert.True(docs.ExitCode == 0, docs.ToString());
        var catalog = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_project.Directory, "site", "catalog.json"))).RootElement;
        var list = Node(catalog, "model.country_list");
        Assert.Equal(["code", "country_name"], list.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["seed.countries.country_name"], Upstream(list, "country_name"));
        Assert.Equal(["model.country_list.code"], Upstream(Node(catalog, "model.short_names"), "code"));
        var orders = Node(catalog, "model.all_orders");
        Assert.Equal("unknown", orders.GetProperty("lineage").GetString());
        Assert.StartsWith("select * reads source.raw.orders, whose columns are not known", orders.GetProperty("lineage_unknown").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_that_cannot_be_written_is_a_one_line_error()
    {
        TransformProjects.Write(_project.Directory, new Dictionary<string, string> { ["dbt_project.yml"] = "name: shop\n", ["models/one.sql"] = "select 1 as n" });
        File.WriteAllText(Path.Combine(_project.Directory, "taken"), "a file, not a folder");

        var docs = await _project.RunAsync("docs", "--out", "taken");

        Assert.Equal(1, docs.ExitCode);
        Assert.StartsWith($"error: --out {Path.Combine(_project.Directory, "taken")}: cannot write the docs there", docs.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", docs.Error, StringComparison.Ordinal);
    }
}
