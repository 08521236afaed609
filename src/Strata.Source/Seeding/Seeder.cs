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

    private Task CopyCustomersAsync(SampleRows rows, SeedOptions options, IProgressTask progress, CancellationToken cancellationToken) =>
        CopyAsync(
            "customers (customer_id, customer_name, is_active, customer_address, updated_at, created_at)",
            1,
            options.Customers + 1L,
            progress,
            (writer, id) =>
            {
                var row = rows.CustomerAt(id);
                writer.Write(row.Id, NpgsqlDbType.Bigint);
                writer.Write(row.Name, NpgsqlDbType.Varchar);
                writer.Write(row.IsActive, NpgsqlDbType.Boolean);
                writer.Write(row.Address, NpgsqlDbType.Varchar);
                writer.Write(row.CreatedAt, NpgsqlDbType.Timestamp);
                writer.Write(row.CreatedAt, NpgsqlDbType.Timestamp);
            },
            cancellationToken);

    private Task CopyProductsAsync(SampleRows rows, SeedOptions options, IProgressTask progress, CancellationToken cancellationToken) =>
        CopyAsync(
            "products (product_id, product_name, barcode, unity_price, is_active, updated_at, created_at)",
            1,
            options.Products + 1L,
            progress,
            (writer, id) =>
            {
                var row = rows.ProductAt(id);
                writer.Write(row.Id, NpgsqlDbType.Bigint);
                writer.Write(row.Name, NpgsqlDbType.Varchar);
                writer.Write(row.Barcode, NpgsqlDbType.Varchar);
                writer.Write(row.Price, NpgsqlDbType.Numeric);
                writer.Write(row.IsActive, NpgsqlDbType.Boolean);
                writer.Write(row.CreatedAt, NpgsqlDbType.Timestamp);
                writer.Write(row.CreatedAt, NpgsqlDbType.Timestamp);
            },
            cancellationToken);

    private async Task CopyOrdersAndItemsAsync(
        SampleRows rows, SeedOptions options, long first, long end, IProgressTask orderProgress, IProgressTask itemProgress, CancellationToken cancellationToken)
    {
        await CopyAsync(
            "orders (order_id, order_date, delivery_date, customer_id, status, updated_at, created_at)",
            first,
            end,
            orderProgress,
            (writer, id) =>
            {
                var row = rows.OrderAt(id);
                writer.Write(row.Id, NpgsqlDbType.Bigint);
                writer.Write(row.OrderDate, NpgsqlDbType.Date);
                writer.Write(row.OrderDate.AddDays(10), NpgsqlDbType.Date);
                writer.Write(row.CustomerId, NpgsqlDbType.Bigint);
                writer.Write(row.Status, NpgsqlDbType.Varchar);
                writer.Write(row.UpdatedAt, NpgsqlDbType.Timestamp);
                writer.Write(row.CreatedAt, NpgsqlDbType.Timestamp);
            },
            cancellationToken);

        // Item ids are dense per order, so this stream's items are the id range of its orders.
        var perOrder = options.ItemsPerOrder;
        var order = rows.OrderAt(first);
        await CopyAsync(
            "order_items (order_item_id, order_id, product_id, quanity, updated_at, created_at)",
            ((first - 1) * perOrder) + 1,
            ((end - 1) * perOrder) + 1,
            itemProgress,
            (writer, id) =>
            {
                var orderId = ((id - 1) / perOrder) + 1;
                if (order.Id != orderId)
                {
                    order = rows.OrderAt(orderId);
                }

                var item = rows.ItemAt(id, order);
                writer.Write(item.Id, NpgsqlDbType.Bigint);
                writer.Write(item.OrderId, NpgsqlDbType.Bigint);
                writer.Write(item.ProductId, NpgsqlDbType.Bigint);
                writer.Write(item.Quantity, NpgsqlDbType.Integer);
                writer.Write(item.CreatedAt, NpgsqlDbType.Timestamp);
                writer.Write(item.CreatedAt, NpgsqlDbType.Timestamp);
            },
            cancellationToken);
    }

    /// <summary>Writes rows <paramref name="first"/> to <paramref name="end"/> (exclusive) of a table with one binary COPY.</summary>
    private async Task CopyAsync(
        string tableAndColumns, long first, long end, IProgressTask progress, Action<NpgsqlBinaryImporter, long> writeRow, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY {Sql.Identifier(_schema)}.{tableAndColumns} FROM STDIN (FORMAT binary)", cancellationToken);
        var reported = first;
        for (var id = first; id < end; id++)
        {
            if (id - reported == ProgressStep)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress.Increment(ProgressStep);
                reported = id;
            }

            // Synchronous writes: the importer buffers, and per-value async calls cost more than the I/O they save.
            writer.StartRow();
            writeRow(writer, id);
        }

        await writer.CompleteAsync(cancellationToken);
        progress.Increment(end - reported);
    }

    private string Table(string name) => Sql.Qualified(_schema, name);

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
