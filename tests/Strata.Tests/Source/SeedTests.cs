
namespace Strata.Tests.Source;

public sealed class SeedTests() : SharedServerTest("seed", initialize: true)
{
    [Fact]
    public async Task The_same_arguments_give_identical_rows_and_another_seed_does_not()
    {
        string[] args = ["source", "seed", "--customers", "50", "--products", "40", "--orders", "300", "--items-per-order", "7", "--seed", "42"];

        var first = await Project.RunAsync(args);
        var firstChecksums = await ChecksumsAsync();
        var again = await Project.RunAsync([.. args, "--threads", "1"]);
        var againChecksums = await ChecksumsAsync();
        var other = await Project.RunAsync([.. args[..^1], "43"]);
        var otherChecksums = await ChecksumsAsync();

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(0, other.ExitCode);
        Assert.Equal(firstChecksums, againChecksums);
        Assert.NotEqual(firstChecksums["orders"], otherChecksums["orders"]);
        Assert.NotEqual(firstChecksums["order_items"], otherChecksums["order_items"]);
        Assert.Contains("Seeded 50 customers, 40 products, 300 orders, 2,100 order_items", first.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seeded_data_follows_the_workload_rules()
    {
        var result = await Project.RunAsync("source", "seed", "--customers", "20", "--products", "28", "--orders", "500", "--items-per-order", "3", "--seed", "5", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var db = Project.Database;
        Assert.Equal(0L, await Server.ScalarAsync<long>(
            "SELECT count(*) FROM operations.orders o WHERE NOT EXISTS (SELECT 1 FROM operations.order_items i WHERE i.order_id = o.order_id)", db));
        Assert.Equal(0L, await Server.ScalarAsync<long>(
            "SELECT count(*) FROM operations.orders WHERE status NOT IN ('PENDING', 'PROCESSING', 'REPROCESSING', 'COMPLETED') OR delivery_date <> order_date + 10", db));
        Assert.True(await Server.ScalarAsync<long>("SELECT count(*) FROM operations.orders WHERE status <> 'COMPLETED'", db) > 0);
        Assert.Equal(0L, await Server.ScalarAsync<long>(
            "SELECT count(*) FROM operations.order_items i WHERE NOT EXISTS (SELECT 1 FROM operations.products p WHERE p.product_id = i.product_id) OR quanity NOT BETWEEN 0 AND 999", db));
        // The sequences continue after the sample ids, so the live workload can insert.
        Assert.Equal(501L, await Server.ScalarAsync<long>("SELECT nextval(pg_get_serial_sequence('operations.orders', 'order_id'))", db));
        using var json = System.Text.Json.JsonDocument.Parse(result.Output);
        Assert.Equal(2048, json.RootElement.GetProperty("total_rows").GetInt64());
    }

    private async Task<Dictionary<string, string>> ChecksumsAsync()
    {
        var checksums = new Dictionary<string, string>();
        foreach (var (table, key) in new[] { ("customers", "customer_id"), ("products", "product_id"), ("orders", "order_id"), ("order_items", "order_item_id") })
        {
            checksums[table] = (await Server.ScalarAsync<string>($"SELECT md5(string_agg(t::text, '|' ORDER BY {key})) FROM operations.{table} t", Project.Database))!;
        }

        return checksums;
    }
}
