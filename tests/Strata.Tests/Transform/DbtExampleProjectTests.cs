using System.Globalization;
using System.Text.Json;
using Strata.Testing;
using Strata.Warehouse;
using Strata.Warehouse.DuckDb;

namespace Strata.Tests.Transform;

/// <summary>
/// Three small dbt projects written for Strata (tests/Strata.Tests/Transform/DbtProjects), run unmodified from their
/// own folders on the embedded warehouse — no strata.yml — and their tables compared with answers computed here
/// from their CSV files and rows, apart from Strata.
/// </summary>
public sealed class DbtExampleProjectTests : IDisposable
{
    private readonly TestProject _project = TestProject.Empty();

    private string WarehousePath => Path.Combine(_project.Directory, ".strata", "warehouse.duckdb");

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task Jaffle_shop_builds_its_seeds_views_and_marts_and_passes_its_tests()
    {
        CopyProject("jaffle_shop");

        var build = await _project.RunAsync("build", "--json");

        Assert.True(build.ExitCode == 0, build.ToString());
        AssertEveryTestPassed(build.Output, expectedTests: 20);
        var customers = Csv("jaffle_shop/seeds/raw_customers.csv");
        var orders = Csv("jaffle_shop/seeds/raw_orders.csv");
        var payments = Csv("jaffle_shop/seeds/raw_payments.csv");
        string[] methods = ["credit_card", "coupon", "bank_transfer", "gift_card"];
        decimal Dollars(Dictionary<string, string?> payment) => decimal.Parse(payment["amount"]!, CultureInfo.InvariantCulture) / 100;

        var expectedOrders = orders.Select(o =>
        {
            var paid = payments.Where(p => p["order_id"] == o["id"]).ToList();
            var byMethod = methods.Select(m => Text(paid.Where(p => p["payment_method"] == m).Sum(Dollars)));
            return string.Join("|", new[] { o["id"], o["user_id"], o["order_date"], o["status"] }.Concat(byMethod).Append(Text(paid.Sum(Dollars))));
        });
        Assert.Equal(Sorted(expectedOrders), await RowsAsync(
            "SELECT order_id, customer_id, CAST(order_date AS VARCHAR), status, credit_card_amount, coupon_amount, bank_transfer_amount, gift_card_amount, amount FROM marts.orders"));

        var expectedCustomers = customers.Select(c =>
        {
            var theirs = orders.Where(o => o["user_id"] == c["id"]).ToList();
            var paid = payments.Where(p => theirs.Any(o => o["id"] == p["order_id"])).Sum(Dollars);
            var dates = theirs.Select(o => o["order_date"]!).Order(StringComparer.Ordinal).ToList();
            return string.Join("|", c["id"], c["first_name"], c["last_name"], dates.FirstOrDefault() ?? "", dates.LastOrDefault() ?? "",
                theirs.Count.ToString(CultureInfo.InvariantCulture), Text(paid));
        });
        Assert.Equal(Sorted(expectedCustomers), await RowsAsync(
            "SELECT customer_id, first_name, last_name, CAST(first_order AS VARCHAR), CAST(most_recent_order AS VARCHAR), number_of_orders, customer_lifetime_value FROM marts.customers"));

        await using var check = await DuckDbWarehouse.OpenAsync(WarehousePath);
        Assert.Equal(RelationKind.View, await check.RelationKindAsync("staging", "stg_payments"));
        Assert.Equal(RelationKind.Table, await check.RelationKindAsync("raw", "raw_payments"));
        // marts' config without '+' applies like with it; the analysis is compiled, never built.
        Assert.Equal(RelationKind.Table, await check.RelationKindAsync("marts", "customers"));
        Assert.Equal(RelationKind.None, await check.RelationKindAsync("analytics", "revenue_by_month"));
        // The docs site knows where each mart column comes from.
        var docs = await _project.RunAsync("docs", "--json");
        Assert.True(docs.ExitCode == 0, docs.ToString());
        using (var catalog = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_project.Directory, "target", "docs", "catalog.json"))))
        {
            var edges = catalog.RootElement.GetProperty("lineage_edges").EnumerateArray()
                .Select(e => (From: $"{e.GetProperty("from_node").GetString()}.{e.GetProperty("from_column").GetString()}", To: $"{e.GetProperty("to_node").GetString()}.{e.GetProperty("to_column").GetString()}"))
                .ToList();
            List<string> Into(string column) => edges.Where(e => e.To == column).Select(e => e.From).Order(StringComparer.Ordinal).ToList();
            // Through two CTEs, a join and an aggregate; a CASE reads its condition's column too.
            Assert.Equal(["model.stg_payments.amount"], Into("model.orders.amount"));
            Assert.Equal(["model.stg_payments.amount", "model.stg_payments.payment_method"], Into("model.orders.credit_card_amount"));
            Assert.Equal(["seed.raw_orders.user_id"], Into("model.stg_orders.customer_id"));
        }

        var ls = await _project.RunAsync("ls", "--select", "tag:nightly", "--json");
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Equal(["customers", "orders"], Names(ls.Output));
    }

    [Fact]
    public async Task Web_events_renders_its_jinja_runs_queries_at_compile_time_and_merges_sessions_incrementally()
    {
        CopyProject("web_events");
        // A value with a quote, from the environment: it must land as text, not as SQL.
        _project.Environment["WEB_EVENTS_SITE"] = "o'brien.example";

        var build = await _project.RunAsync("build", "--json");

        Assert.True(build.ExitCode == 0, build.ToString());
        AssertEveryTestPassed(build.Output, expectedTests: 5);
        await AssertWebEventsAsync(Csv("web_events/data/events.csv"));
        Assert.Equal(["o'brien.example"], await RowsAsync("SELECT DISTINCT site FROM web.pages"));

        // New events: one for a session the table holds, one for a new session. The seed reloads and the merge
        // recomputes just those sessions.
        var events = Path.Combine(_project.Directory, "data", "events.csv");
        File.AppendAllText(events, "401,s001,2,purchase,/checkout,1500,2026-04-01 09:00:00\n402,s999,5,page_view,/home,,2026-04-01 10:00:00\n");
        var again = await _project.RunAsync("build", "--json");

        Assert.True(again.ExitCode == 0, again.ToString());
        using var json = JsonDocument.Parse(again.Output);
        var sessions = Assert.Single(json.RootElement.GetProperty("models").EnumerateArray(), m => m.GetProperty("model").GetString() == "sessions");
        Assert.Equal(2, sessions.GetProperty("rows_changed").GetInt64());
        await AssertWebEventsAsync(Csv("web_events/data/events.csv", from: _project.Directory));
    }

    [Fact]
    public async Task Inventory_reads_its_sources_with_freshness_types_its_seed_snapshots_a_plain_table_and_runs_unit_and_singular_tests()
    {
        CopyProject("inventory");
        var now = DateTime.UtcNow;
        (string Sku, string Location, int Qty)[] stock = [("A-1", "007", 5), ("A-1", "012", 2), ("B-2", "007", 7), ("B-2", "031", -3), ("C-3", "044", 11), ("C-3", "099", 4)];
        (string Sku, string Name, string Category, decimal Price)[] products = [("A-1", "Hammer", "tools", 12.50m), ("B-2", "Kite", "toys", 7.25m), ("C-3", "Saw", "Tools", 20.00m)];
        await using (var warehouse = await DuckDbWarehouse.OpenAsync(WarehousePath))
        {
            await warehouse.EnsureSchemaAsync("raw_inventory");
            await warehouse.CreateTableAsync("raw_inventory", "stock_levels",
                [new("sku", WarehouseType.Text), new("location", WarehouseType.Text), new("qty", WarehouseType.Int64), new("updated_at", WarehouseType.TimestampTz)]);
            await warehouse.CreateTableAsync("raw_inventory", "product_master",
                [new("sku", WarehouseType.Text), new("name", WarehouseType.Text), new("category", WarehouseType.Text), new("price", new WarehouseType(WarehouseTypeKind.Decimal, 10, 2))]);
            await using var transaction = await warehouse.BeginAsync();
            foreach (var (sku, location, qty) in stock)
            {
                await transaction.ExecuteAsync("INSERT INTO raw_inventory.stock_levels VALUES ($1, $2, $3, $4)", [sku, location, (long)qty, now.AddHours(-3)]);
            }

            foreach (var (sku, name, category, price) in products)
            {
                await transaction.ExecuteAsync("INSERT INTO raw_inventory.product_master VALUES ($1, $2, $3, $4)", [sku, name, category, price]);
            }

            await transaction.CommitAsync();
        }

        var build = await _project.RunAsync("build", "--json");

        Assert.True(build.ExitCode == 0, build.ToString());
        using (var json = JsonDocument.Parse(build.Output))
        {
            var tests = json.RootElement.GetProperty("tests").EnumerateArray().ToDictionary(t => t.GetProperty("test").GetString()!, t => t.GetProperty("status").GetString());
            Assert.Equal("pass", tests["stock_value_is_units_times_price"]);
            Assert.Equal("pass", tests["staging_drops_negative_counts"]);
            Assert.Equal("pass", tests["unique_source_erp_products_sku"]);
            // Location 099 is in no seed row: the singular test warns, as its config says, and the build goes on.
            Assert.Equal("warn", tests["no_stock_in_unknown_locations"]);
        }

        var regions = new Dictionary<string, string> { ["007"] = "EMEA", ["012"] = "EMEA", ["031"] = "AMER", ["044"] = "APAC" };
        var expected = stock.Where(s => s.Qty >= 0 && regions.ContainsKey(s.Location))
            .Select(s => (Region: regions[s.Location], Product: products.Single(p => p.Sku == s.Sku), s.Qty))
            .GroupBy(s => (s.Region, Category: s.Product.Category.ToUpperInvariant()))
            .Select(g => $"{g.Key.Region}|{g.Key.Category}|{g.Sum(s => s.Qty)}|{Text(g.Sum(s => s.Qty * s.Product.Price))}");
        Assert.Equal(Sorted(expected), await RowsAsync("SELECT region, category, units, stock_value FROM marts.stock_by_region"));
        // column_types keeps the codes' leading zeros; the other columns are inferred.
        await using (var check = await DuckDbWarehouse.OpenAsync(WarehousePath))
        {
            var columns = (await check.GetColumnsAsync("reference", "locations"))!;
            Assert.Equal(["code:Text", "name:Text", "region:Text", "opened_on:Date"], columns.Select(c => $"{c.Name}:{c.Type.Kind}"));
        }

        Assert.Equal(["007", "012", "031", "044"], await RowsAsync("SELECT code FROM reference.locations"));

        // The snapshot samples the ERP table (not a changelog) by its updated_at: a later count is a new version, a row
        // gone closes its key.
        await using (var warehouse = await DuckDbWarehouse.OpenAsync(WarehousePath))
        {
            await warehouse.ExecuteAsync("UPDATE raw_inventory.stock_levels SET qty = 9, updated_at = $1 WHERE sku = 'A-1' AND location = '007'", [now.AddHours(-1)]);
            await warehouse.ExecuteAsync("DELETE FROM raw_inventory.stock_levels WHERE sku = 'C-3' AND location = '099'");
        }

        var again = await _project.RunAsync("build", "--select", "stock_snapshot", "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        var versions = stock.Select(s => $"{s.Sku}|{s.Location}|{s.Qty}|{(s is ("A-1", "007", _) or ("C-3", "099", _) ? "closed" : "current")}")
            .Append("A-1|007|9|current");
        Assert.Equal(Sorted(versions), await RowsAsync(
            "SELECT sku, location, qty, CASE WHEN dbt_valid_to IS NULL THEN 'current' ELSE 'closed' END FROM snapshots.stock_snapshot"));

        var freshness = await _project.RunAsync("freshness", "--json");
        Assert.True(freshness.ExitCode == 0, freshness.ToString());
        using var fresh = JsonDocument.Parse(freshness.Output);
        var stockFreshness = Assert.Single(fresh.RootElement.EnumerateArray(), s => s.GetProperty("source").GetString() == "erp.stock_levels");
        Assert.Equal("pass", stockFreshness.GetProperty("status").GetString());
        // freshness: null on the table switches the source's limits off, though it has no loaded_at column.
        var productsFreshness = Assert.Single(fresh.RootElement.EnumerateArray(), s => s.GetProperty("source").GetString() == "erp.products");
        Assert.Equal("none", productsFreshness.GetProperty("status").GetString());
    }

    /// <summary>The web_events marts against the events file: sessions, counts per type, pages.</summary>
    private async Task AssertWebEventsAsync(List<Dictionary<string, string?>> events)
    {
        var clean = events.Select(e => (
            Session: e["session_id"]!, User: long.Parse(e["user_id"]!, CultureInfo.InvariantCulture), Type: e["event_type"]!.ToLowerInvariant(), Page: e["page"]!,
            Duration: e["duration_ms"] is { } d ? long.Parse(d, CultureInfo.InvariantCulture) : 0, At: e["occurred_at"]!)).ToList();
        var sessions = clean.GroupBy(e => e.Session).Select(g => string.Join("|", g.Key, g.Min(e => e.User), g.Min(e => e.At), g.Max(e => e.At), g.Count(),
            g.Count(e => e.Type == "page_view"), g.Count(e => e.Type == "click"), g.Count(e => e.Type == "purchase"), g.Sum(e => e.Duration)));
        Assert.Equal(Sorted(sessions), await RowsAsync(
            "SELECT session_id, user_id, CAST(started_at AS VARCHAR), CAST(ended_at AS VARCHAR), events, page_views, clicks, purchases, duration_ms FROM web.sessions"));

        var conversions = (double)clean.Count(e => e.Type == "purchase") / clean.Select(e => e.Session).Distinct().Count();
        var counts = await RowsAsync("SELECT click_events, page_view_events, purchase_events, all_events, round(conversions_per_session, 6) FROM web.event_type_counts");
        Assert.Equal(
            [string.Join("|", clean.Count(e => e.Type == "click"), clean.Count(e => e.Type == "page_view"), clean.Count(e => e.Type == "purchase"), clean.Count,
                Text((decimal)Math.Round(conversions, 6)))],
            counts);

        var pages = clean.Where(e => e.Type == "page_view").GroupBy(e => e.Page).Select(g => string.Join("|", g.Key,
            g.Key.StartsWith("/blog/", StringComparison.Ordinal) ? "BLOG" : g.Key.StartsWith("/products", StringComparison.Ordinal) ? "CATALOG" : "OTHER",
            g.Count(), g.Count(e => e.Duration >= 10000)));
        Assert.Equal(Sorted(pages), await RowsAsync("SELECT page, page_type, views, long_views FROM web.pages"));

        var top = clean.Where(e => e.Type == "page_view").GroupBy(e => e.Page).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(3)
            .Select(g => $"{g.Key}|{g.Count()}|TOP PAGES|n/a|2|page+views");
        Assert.Equal(Sorted(top), await RowsAsync("SELECT page, views, label, setting, column_count, column_list FROM web.top_pages"));
    }

    private void CopyProject(string name)
    {
        var from = Path.Combine(TransformProjects.RepositoryRoot, "tests", "Strata.Tests", "Transform", "DbtProjects", name);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_project.Directory, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Rows of a CSV file (no quoted fields in these), empty fields as null.</summary>
    private static List<Dictionary<string, string?>> Csv(string path, string? from = null)
    {
        var file = from is null ? Path.Combine(TransformProjects.RepositoryRoot, "tests", "Strata.Tests", "Transform", "DbtProjects", path) : Path.Combine(from, Path.GetRelativePath("web_events", path));
        var lines = File.ReadAllLines(file).Where(l => l.Length > 0).ToList();
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => l.Split(',').Select((v, i) => (header[i], v.Length == 0 ? null : v)).ToDictionary(p => p.Item1, p => p.Item2)).ToList();
    }

    private static void AssertEveryTestPassed(string output, int expectedTests)
    {
        using var json = JsonDocument.Parse(output);
        var tests = json.RootElement.GetProperty("tests").EnumerateArray().Select(t => $"{t.GetProperty("test").GetString()}:{t.GetProperty("status").GetString()}").ToList();
        Assert.Equal(expectedTests, tests.Count);
        Assert.All(tests, t => Assert.EndsWith(":pass", t, StringComparison.Ordinal));
    }

    private static List<string> Names(string output)
    {
        using var json = JsonDocument.Parse(output);
        return json.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToList();
    }

    private async Task<List<string>> RowsAsync(string sql)
    {
        await using var warehouse = await DuckDbWarehouse.OpenAsync(WarehousePath);
        return Sorted((await warehouse.QueryAsync(sql)).Select(r => string.Join("|", r.Select(Value))));
    }

    private static List<string> Sorted(IEnumerable<string> rows) => rows.Order(StringComparer.Ordinal).ToList();

    private static string Text(decimal value) => value.ToString("G29", CultureInfo.InvariantCulture);

    private static string Value(object? value) => value switch
    {
        null or DBNull => "",
        decimal d => Text(d),
        double d => Text((decimal)d),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };
}
