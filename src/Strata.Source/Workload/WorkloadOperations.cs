using Npgsql;
using Strata.Source.Connection;
using Strata.Source.Schema;

namespace Strata.Source.Workload;

/// <summary>
/// The live workload's transactions, one change each as in the original pg_cron jobs — with the original's bug fixed:
/// a new order and its items are written in one transaction, the items on the order just created.
/// </summary>
internal sealed class WorkloadOperations
{
    private readonly string _customers;
    private readonly string _products;
    private readonly string _orders;
    private readonly string _items;

    public WorkloadOperations(string schema)
    {
        _customers = Sql.Qualified(schema, "customers");
        _products = Sql.Qualified(schema, "products");
        _orders = Sql.Qualified(schema, "orders");
        _items = Sql.Qualified(schema, "order_items");
    }

    /// <summary>Inserts a catalog company if new, else moves it to another address and activity.</summary>
    public async Task<WorkloadOperation> CustomerAsync(NpgsqlConnection connection, Random random, CancellationToken cancellationToken)
    {
        var name = Catalog.CompanyNames[random.Next(Catalog.CompanyNames.Count)];
        var address = Catalog.Addresses[random.Next(Catalog.Addresses.Count)];
        await using var command = new NpgsqlCommand(
            $"""
            WITH existing AS (SELECT customer_id FROM {_customers} WHERE customer_name = $1 ORDER BY customer_id LIMIT 1),
            updated AS (
                UPDATE {_customers} c SET customer_address = $2, is_active = $3, updated_at = current_timestamp(3)
                FROM existing e WHERE c.customer_id = e.customer_id RETURNING c.customer_id),
            inserted AS (
                INSERT INTO {_customers} (customer_name, is_active, customer_address)
                SELECT $1, true, $2 WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING customer_id)
            SELECT EXISTS (SELECT 1 FROM inserted)
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter<string>{ TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<string>{ TypedValue = address });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = random.Next(2) == 0 });
        var inserted = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        return inserted ? WorkloadOperation.CustomerInsert : WorkloadOperation.CustomerUpdate;
    }

    /// <summary>Inserts a catalog product with a random barcode if new, else changes its price and activity.</summary>
    public async Task<WorkloadOperation> ProductAsync(NpgsqlConnection connection, Random random, CancellationToken cancellationToken)
    {
        var name = Catalog.ProductNames[random.Next(Catalog.ProductNames.Count)];
        await using var command = new NpgsqlCommand(
            $"""
            WITH existing AS (SELECT product_id FROM {_products} WHERE product_name = $1 ORDER BY product_id LIMIT 1),
            updated AS (
                UPDATE {_products} p SET unity_price = $2, is_active = $3, updated_at = current_timestamp(3)
                FROM existing e WHERE p.product_id = e.product_id RETURNING p.product_id),
            inserted AS (
                INSERT INTO {_products} (product_name, barcode, unity_price, is_active)
                SELECT $1, $4, $2, true WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING product_id)
            SELECT EXISTS (SELECT 1 FROM inserted)
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        command.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = random.Next(10_001) / 100m });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = random.Next(2) == 0 });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = random.NextInt64(1_000_000_000_000).ToString("D12", System.Globalization.CultureInfo.InvariantCulture) });
        var inserted = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        return inserted ? WorkloadOperation.ProductInsert : WorkloadOperation.ProductUpdate;
    }

    /// <summary>
    /// For a random customer: a new pending order with about 25 items when it has no open order dated today,
    /// else that open order moves to another status.
    /// </summary>
    public async Task<(WorkloadOperation Operation, int Items)> OrderAsync(NpgsqlConnection connection, Random random, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Lock the customer so two workers cannot both decide it has no open order today.
        var customerId = await connection.ScalarAsync<long?>($"SELECT customer_id FROM {_customers} WHERE customer_id >= (SELECT min(customer_id) + floor($1 * (max(customer_id) - min(customer_id) + 1))::bigint FROM {_customers}) ORDER BY customer_id LIMIT 1 FOR UPDATE",
            cancellationToken, random.NextDouble());
        if (customerId is null)
        {
            // No customers yet: nothing to order.
            await transaction.CommitAsync(cancellationToken);
            return (WorkloadOperation.OrderStatusUpdate, -1);
        }

        var openOrder = await connection.ScalarAsync<long?>($"SELECT order_id FROM {_orders} WHERE customer_id = $1 AND order_date = current_date AND status <> 'COMPLETED' ORDER BY order_id LIMIT 1",
            cancellationToken, customerId.Value);
        if (openOrder is { } orderId)
        {
            await connection.ScalarAsync<object>($"UPDATE {_orders} SET status = $2, updated_at = current_timestamp(3) WHERE order_id = $1",
                cancellationToken, orderId, Catalog.NextStatuses[random.Next(Catalog.NextStatuses.Count)]);
            await transaction.CommitAsync(cancellationToken);
            return (WorkloadOperation.OrderStatusUpdate, 0);
        }

        var newOrderId = (await connection.ScalarAsync<long?>($"INSERT INTO {_orders} (order_date, delivery_date, customer_id, status) VALUES (current_date, current_date + 10, $1, 'PENDING') RETURNING order_id",
            cancellationToken, customerId.Value))!.Value;
        var count = random.Next(20, 31);
        var picks = Enumerable.Range(0, count).Select(_ => random.NextDouble()).ToArray();
        var quantities = Enumerable.Range(0, count).Select(_ => random.Next(1000)).ToArray();
        // The fix: the items go on the order just inserted (newOrderId), in the same transaction.
        await connection.ScalarAsync<object>($"""
            INSERT INTO {_items} (order_id, product_id, quanity)
            SELECT $1, (SELECT product_id FROM {_products} WHERE product_id >= b.lo + floor(p.pick * (b.hi - b.lo + 1))::bigint ORDER BY product_id LIMIT 1), p.quantity
            FROM unnest($2::float8[], $3::int[]) AS p(pick, quantity),
                 (SELECT min(product_id) AS lo, max(product_id) AS hi FROM {_products}) b
            """,
            cancellationToken, newOrderId, picks, quantities);
        await transaction.CommitAsync(cancellationToken);
        return (WorkloadOperation.OrderInsert, count);
    }

    /// <summary>Deletes a random order with its items, or one item of a random order that has more than one.</summary>
    public async Task<WorkloadOperation?> DeleteAsync(NpgsqlConnection connection, Random random, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var orderId = await connection.ScalarAsync<long?>($"SELECT order_id FROM {_orders} WHERE order_id >= (SELECT min(order_id) + floor($1 * (max(order_id) - min(order_id) + 1))::bigint FROM {_orders}) ORDER BY order_id LIMIT 1 FOR UPDATE",
            cancellationToken, random.NextDouble());
        if (orderId is null)
        {
            return null;
        }

        WorkloadOperation? done;
        if (random.Next(2) == 0)
        {
            await connection.ScalarAsync<object>($"DELETE FROM {_items} WHERE order_id = $1", cancellationToken, orderId.Value);
            await connection.ScalarAsync<object>($"DELETE FROM {_orders} WHERE order_id = $1", cancellationToken, orderId.Value);
            done = WorkloadOperation.OrderDelete;
        }
        else
        {
            // Only from orders with several items, so that every order keeps at least one.
            var deleted = await connection.ScalarAsync<long?>($"""
                DELETE FROM {_items} WHERE order_item_id = (
                    SELECT max(order_item_id) FROM {_items} WHERE order_id = $1 HAVING count(*) > 1)
                RETURNING order_item_id
                """,
                cancellationToken, orderId.Value);
            done = deleted is null ? null : WorkloadOperation.OrderItemDelete;
        }

        await transaction.CommitAsync(cancellationToken);
        return done;
    }
}
