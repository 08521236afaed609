using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Strata.Output;
using Strata.Source.Connection;
using Strata.Source.Schema;

namespace Strata.Source.Seeding;

/// <summary>
/// Replaces the source tables' rows with deterministic sample data, written with binary COPY
/// (orders and their items in parallel streams, each stream a disjoint range of orders).
/// </summary>
public sealed class Seeder
{
    private const int ProgressStep = 10_000;
    private readonly string _connectionString;
    private readonly string _schema;
    private readonly IStrataConsole _console;

    /// <summary>Creates a seeder for the tables in <paramref name="schema"/> of the database behind <paramref name="connectionString"/>.</summary>
    public Seeder(string connectionString, string schema, IStrataConsole console)
    {
        _connectionString = connectionString;
        _schema = schema;
        _console = console;
    }

    /// <summary>Truncates the four tables (restarting their ids) and writes the sample rows.</summary>
    public async Task<SeedResult> RunAsync(SeedOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var stopwatch = Stopwatch.StartNew();
        var rows = new SampleRows(options);
        var itemCount = (long)options.Orders * options.ItemsPerOrder;

        await using (var connection = await OpenAsync(cancellationToken))
        {
            var tables = string.Join(", ", SourceTables.Names.Select(Table));
            await connection.ExecuteAsync($"TRUNCATE {tables} RESTART IDENTITY", cancellationToken);
        }

        await _console.RunWithProgressAsync(async board =>
        {
            var customers = board.Add("customers", options.Customers);
            var products = board.Add("products", options.Products);
            var orders = board.Add("orders", options.Orders);
            var items = board.Add("order_items", itemCount);
            await Task.WhenAll(
                CopyCustomersAsync(rows, options, customers, cancellationToken),
                CopyProductsAsync(rows, options, products, cancellationToken));
            var threads = Math.Min(options.Threads, Math.Max(1, options.Orders));
            await Task.WhenAll(Enumerable.Range(0, threads).Select(t =>
            {
                var first = 1 + (long)options.Orders * t / threads;
                var end = 1 + (long)options.Orders * (t + 1) / threads;
                return Task.Run(() => CopyOrdersAndItemsAsync(rows, options, first, end, orders, items, cancellationToken), cancellationToken);
            }));
        });

        await using (var connection = await OpenAsync(cancellationToken))
        {
            foreach (var (table, key) in new[] { ("customers", "customer_id"), ("products", "product_id"), ("orders", "order_id"), ("order_items", "order_item_id") })
            {
                // New rows from the live workload continue after the sample ids.
                await connection.ExecuteAsync($"SELECT setval(pg_get_serial_sequence('{Table(table)}', '{key}'), greatest(1, (SELECT max({key}) FROM {Table(table)})), (SELECT count(*) > 0 FROM {Table(table)}))",
                    cancellationToken);
            }

            await connection.ExecuteAsync($"ANALYZE {string.Join(", ", SourceTables.Names.Select(Table))}", cancellationToken);
        }

        return new SeedResult(
            new Dictionary<string, long>
            {
                ["customers"] = options.Customers,
                ["products"] = options.Products,
                ["orders"] = options.Orders,
                ["order_items"] = itemCount,
            },
            stopwatch.Elapsed);
    }

    private async Task CopyCustomersAsync(SampleRows rows, SeedOptions options, IProgressTask progress, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY {Table("customers")} (customer_id, customer_name, is_active, customer_address, updated_at, created_at) FROM STDIN (FORMAT binary)",
            cancellationToken);
        for (long id = 1; id <= options.Customers; id++)
        {
            var row = rows.CustomerAt(id);
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(row.Id, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(row.Name, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(row.IsActive, NpgsqlDbType.Boolean, cancellationToken);
            await writer.WriteAsync(row.Address, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(row.CreatedAt, NpgsqlDbType.Timestamp, cancellationToken);
            await writer.WriteAsync(row.CreatedAt, NpgsqlDbType.Timestamp, cancellationToken);
            Report(progress, id, options.Customers);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private async Task CopyProductsAsync(SampleRows rows, SeedOptions options, IProgressTask progress, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY {Table("products")} (product_id, product_name, barcode, unity_price, is_active, updated_at, created_at) FROM STDIN (FORMAT binary)",
            cancellationToken);
        for (long id = 1; id <= options.Products; id++)
        {
            var row = rows.ProductAt(id);
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(row.Id, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(row.Name, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(row.Barcode, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(row.Price, NpgsqlDbType.Numeric, cancellationToken);
            await writer.WriteAsync(row.IsActive, NpgsqlDbType.Boolean, cancellationToken);
            await writer.WriteAsync(row.CreatedAt, NpgsqlDbType.Timestamp, cancellationToken);
            await writer.WriteAsync(row.CreatedAt, NpgsqlDbType.Timestamp, cancellationToken);
            Report(progress, id, options.Products);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private async Task CopyOrdersAndItemsAsync(
        SampleRows rows, SeedOptions options, long first, long end, IProgressTask orderProgress, IProgressTask itemProgress, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using (var writer = await connection.BeginBinaryImportAsync(
            $"COPY {Table("orders")} (order_id, order_date, delivery_date, customer_id, status, updated_at, created_at) FROM STDIN (FORMAT binary)",
            cancellationToken))
        {
            for (var id = first; id < end; id++)
            {
                var row = rows.OrderAt(id);
                writer.StartRow();
                writer.Write(row.Id, NpgsqlDbType.Bigint);
                writer.Write(row.OrderDate, NpgsqlDbType.Date);
                writer.Write(row.OrderDate.AddDays(10), NpgsqlDbType.Date);
                writer.Write(row.CustomerId, NpgsqlDbType.Bigint);
                writer.Write(row.Status, NpgsqlDbType.Varchar);
                writer.Write(row.UpdatedAt, NpgsqlDbType.Timestamp);
                writer.Write(row.CreatedAt, NpgsqlDbType.Timestamp);
                Report(orderProgress, id - first + 1, end - first);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await using (var writer = await connection.BeginBinaryImportAsync(
            $"COPY {Table("order_items")} (order_item_id, order_id, product_id, quanity, updated_at, created_at) FROM STDIN (FORMAT binary)",
            cancellationToken))
        {
            long written = 0;
            var total = (end - first) * options.ItemsPerOrder;
            for (var orderId = first; orderId < end; orderId++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var order = rows.OrderAt(orderId);
                for (var k = 0; k < options.ItemsPerOrder; k++)
                {
                    var item = rows.ItemAt((orderId - 1) * options.ItemsPerOrder + k + 1, order);
                    // Synchronous writes: the importer buffers, and per-value async calls cost more than the I/O they save.
                    writer.StartRow();
                    writer.Write(item.Id, NpgsqlDbType.Bigint);
                    writer.Write(item.OrderId, NpgsqlDbType.Bigint);
                    writer.Write(item.ProductId, NpgsqlDbType.Bigint);
                    writer.Write(item.Quantity, NpgsqlDbType.Integer);
                    writer.Write(item.CreatedAt, NpgsqlDbType.Timestamp);
                    writer.Write(item.CreatedAt, NpgsqlDbType.Timestamp);
                    Report(itemProgress, ++written, total);
                }
            }

            await writer.CompleteAsync(cancellationToken);
        }
    }

    private static void Report(IProgressTask progress, long done, long total)
    {
        if (done % ProgressStep == 0)
        {
            progress.Increment(ProgressStep);
        }
        else if (done == total)
        {
            progress.Increment(total % ProgressStep);
        }
    }

    private string Table(string name) => Sql.Qualified(_schema, name);

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
