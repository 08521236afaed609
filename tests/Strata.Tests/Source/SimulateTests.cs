using System.Text.Json;

namespace Strata.Tests.Source;

public sealed class SimulateTests() : SharedServerTest("simulate", initialize: true)
{
    private const string NoOpenOrderWithoutItems =
        "SELECT count(*) FROM operations.orders o WHERE o.status <> 'COMPLETED' AND NOT EXISTS (SELECT 1 FROM operations.order_items i WHERE i.order_id = o.order_id)";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Assert.Equal(0, (await Project.RunAsync("source", "seed")).ExitCode);
    }

    [Fact]
    public async Task At_speed_1000_for_20s_open_orders_have_items_and_the_mix_matches_the_rates()
    {
        var result = await Project.RunAsync("source", "simulate", "--speed", "1000", "--duration", "20s", "--seed", "3", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        var customers = root.GetProperty("customers").GetInt64();
        var products = root.GetProperty("products").GetInt64();
        var orders = root.GetProperty("orders").GetInt64();
        var workloadSeconds = root.GetProperty("workload_seconds").GetDouble();

        // Original rates per second at speed 1: customers 6 per 2 min, products 11 per 2 min, orders 101 per minute.
        // Every job is within one of its runs of the replayed workload time.
        Assert.True(workloadSeconds > 600, $"only {workloadSeconds} s of workload replayed in 20 s");
        Assert.InRange(customers, workloadSeconds / 120 * 6, (workloadSeconds / 120 + 2) * 6);
        Assert.InRange(products, workloadSeconds / 120 * 11, (workloadSeconds / 120 + 2) * 11);
        Assert.InRange(orders, workloadSeconds / 60 * 101, (workloadSeconds / 60 + 2) * 101);
        var operations = root.GetProperty("operations");
        Assert.True(operations.GetProperty("OrderInsert").GetInt64() > 0);
        Assert.True(operations.GetProperty("OrderStatusUpdate").GetInt64() > 0);
        Assert.Equal(0, operations.GetProperty("OrderDelete").GetInt64());

        // The first version's bug: open orders without items. Fixed: none.
        Assert.Equal(0L, await Server.ScalarAsync<long>(NoOpenOrderWithoutItems, Project.Database));
        var itemsOnNewOrders = await Server.ScalarAsync<long>(
            "SELECT count(*) FROM operations.order_items i JOIN operations.orders o USING (order_id) WHERE o.order_date = current_date", Project.Database);
        Assert.Equal(root.GetProperty("items_inserted").GetInt64(), itemsOnNewOrders);
    }

    [Fact]
    public async Task Deletes_keep_every_order_with_items()
    {
        var result = await Project.RunAsync("source", "simulate", "--speed", "2000", "--duration", "4s", "--delete-rate", "0.3", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var operations = json.RootElement.GetProperty("operations");
        Assert.True(operations.GetProperty("OrderDelete").GetInt64() > 0);
        Assert.True(operations.GetProperty("OrderItemDelete").GetInt64() > 0);
        Assert.Equal(0L, await Server.ScalarAsync<long>(NoOpenOrderWithoutItems, Project.Database));
        Assert.Equal(0L, await Server.ScalarAsync<long>(
            "SELECT count(*) FROM operations.order_items i WHERE NOT EXISTS (SELECT 1 FROM operations.orders o WHERE o.order_id = i.order_id)", Project.Database));
    }

    [Fact]
    public async Task Cancelling_stops_cleanly_with_a_summary()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        var result = await Project.RunAsync(stop.Token, "source", "simulate", "--speed", "100");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Stopped after", result.Output, StringComparison.Ordinal);
    }
}
