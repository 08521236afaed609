using System.Diagnostics;
using System.Globalization;
using Strata.Source.Seeding;

namespace Strata.Bench;

/// <summary>
/// <c>source seed</c> of 400,000 orders × 25 items against the same rows written by <c>INSERT … SELECT</c> from
/// <c>generate_series</c> on the server itself, in the same run. Leaves the seeded data set for later benchmarks.
/// </summary>
internal static class SeedBenchmark
{
    public static async Task<string> RunAsync(BenchSource source, int orders, int itemsPerOrder)
    {
        const int customers = 1000;
        const int products = 500;
        var items = (long)orders * itemsPerOrder;
        var total = customers + products + orders + items;

        await source.ExecuteAsync("TRUNCATE operations.customers, operations.products, operations.orders, operations.order_items RESTART IDENTITY; CHECKPOINT");
        var baseline = Stopwatch.StartNew();
        await source.ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO operations.customers (customer_id, customer_name, is_active, customer_address, updated_at, created_at)
            SELECT g, 'Customer ' || g, g % 10 <> 0, 'Street ' || g % 3, timestamp '2025-01-01' + g * interval '1 s', timestamp '2025-01-01' + g * interval '1 s'
            FROM generate_series(1, {customers}) g;
            INSERT INTO operations.products (product_id, product_name, barcode, unity_price, is_active, updated_at, created_at)
            SELECT g, 'Product ' || g, lpad((g * 7919)::text, 12, '0'), (g % 10001) / 100.0, g % 10 <> 0, timestamp '2025-01-01', timestamp '2025-01-01'
            FROM generate_series(1, {products}) g;
            INSERT INTO operations.orders (order_id, order_date, delivery_date, customer_id, status, updated_at, created_at)
            SELECT g, date '2026-01-01' - (g % 365)::int, date '2026-01-01' - (g % 365)::int + 10, 1 + g % {customers},
                   (ARRAY['PENDING','PROCESSING','REPROCESSING','COMPLETED'])[1 + g % 4],
                   timestamp '2025-01-01' + (g % 31536000) * interval '1 s', timestamp '2025-01-01' + (g % 31536000) * interval '1 s'
            FROM generate_series(1, {orders}) g;
            INSERT INTO operations.order_items (order_item_id, order_id, product_id, quanity, updated_at, created_at)
            SELECT g, 1 + (g - 1) / {itemsPerOrder}, 1 + g % {products}, (g % 1000)::int,
                   timestamp '2025-01-01' + (g % 31536000) * interval '1 s', timestamp '2025-01-01' + (g % 31536000) * interval '1 s'
            FROM generate_series(1, {items}) g;
            ANALYZE operations.customers, operations.products, operations.orders, operations.order_items;
            """));
        baseline.Stop();
        await source.ExecuteAsync("CHECKPOINT");

        var result = await source.Service.SeedAsync(new SeedOptions
        {
            Customers = customers,
            Products = products,
            Orders = orders,
            ItemsPerOrder = itemsPerOrder,
            Seed = 1,
        });
        var baselineRate = total / baseline.Elapsed.TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"""
            | path | rows | seconds | rows/s | ratio |
            | --- | ---: | ---: | ---: | ---: |
            | `INSERT … SELECT generate_series` (server only, 1 backend) | {total:N0} | {baseline.Elapsed.TotalSeconds:0.0} | {baselineRate:N0} | 1.00 |
            | `strata source seed` (binary COPY, {Environment.ProcessorCount} streams) | {result.TotalRows:N0} | {result.Elapsed.TotalSeconds:0.0} | {result.RowsPerSecond:N0} | {result.RowsPerSecond / baselineRate:0.00} |
            """);
    }
}
