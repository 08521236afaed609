namespace Strata.Source.Schema;

/// <summary>The development source's tables, exactly as the business database has them (see docs/source.md).</summary>
internal static class SourceTables
{
    /// <summary>Table names in dependency order (parents first).</summary>
    public static readonly IReadOnlyList<string> Names = ["customers", "products", "orders", "order_items"];

    private const string AuditColumns = """
            updated_at timestamp(3) DEFAULT current_timestamp(3),
            updated_by bigint,
            created_at timestamp(3) DEFAULT current_timestamp(3),
            created_by bigint
        """;

    /// <summary>CREATE TABLE statements for schema <paramref name="schema"/> (already quoted).</summary>
    public static IReadOnlyDictionary<string, string> CreateStatements(string schema) => new Dictionary<string, string>
    {
        ["customers"] = $"""
            CREATE TABLE {schema}.customers (
                customer_id bigserial PRIMARY KEY,
                customer_name varchar(500) NOT NULL,
                is_active boolean NOT NULL DEFAULT true,
                customer_address varchar(500),
            {AuditColumns})
            """,
        ["products"] = $"""
            CREATE TABLE {schema}.products (
                product_id bigserial PRIMARY KEY,
                product_name varchar(500) NOT NULL,
                barcode varchar(26) NOT NULL,
                unity_price decimal NOT NULL,
                is_active boolean,
            {AuditColumns})
            """,
        ["orders"] = $"""
            CREATE TABLE {schema}.orders (
                order_id bigserial PRIMARY KEY,
                order_date date,
                delivery_date date,
                customer_id bigint,
                status varchar,
            {AuditColumns})
            """,
        ["order_items"] = $"""
            CREATE TABLE {schema}.order_items (
                order_item_id bigserial PRIMARY KEY,
                order_id bigint,
                product_id bigint,
                quanity integer,
            {AuditColumns})
            """,
    };

    /// <summary>
    /// Secondary indexes the live workload's look-ups need to stay fast on large data sets
    /// (by name, by customer and day, items by order). They add no columns and change no types.
    /// </summary>
    public static IReadOnlyList<(string Name, string Table, string Columns)> Indexes { get; } =
    [
        ("customers_customer_name_idx", "customers", "customer_name"),
        ("products_product_name_idx", "products", "product_name"),
        ("orders_customer_id_order_date_idx", "orders", "customer_id, order_date"),
        ("order_items_order_id_idx", "order_items", "order_id"),
    ];
}
