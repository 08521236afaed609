namespace Strata.Infra.Catalog;

/// <summary>
/// An object a warehouse or source has, or should have: a role, database, schema, table, compute warehouse or
/// resource monitor, with the attributes the declaration manages (a role's login, a schema's owner, a warehouse's size).
/// </summary>
/// <param name="Kind">One of <see cref="ObjectKinds"/>.</param>
/// <param name="Name">Its name, qualified where the engine qualifies it (<c>gold.fct_orders</c>, <c>ANALYTICS.GOLD</c>).</param>
/// <param name="Attributes">The managed attributes; an attribute the declaration does not name is not compared.</param>
public sealed record CatalogObject(string Kind, string Name, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>An object with no managed attributes.</summary>
    public CatalogObject(string kind, string name)
        : this(kind, name, new Dictionary<string, string>())
    {
    }

    /// <summary>The key the diff matches objects on.</summary>
    public (string Kind, string Name) Key => (Kind, Name);
}

/// <summary>The kinds of object, in the order a plan creates them (what others depend on first).</summary>
public static class ObjectKinds
{
    /// <summary>A database.</summary>
    public const string Database = "database";

    /// <summary>A role or login.</summary>
    public const string Role = "role";

    /// <summary>A Snowflake resource monitor (before the warehouses that name it).</summary>
    public const string ResourceMonitor = "resource monitor";

    /// <summary>A Snowflake compute warehouse.</summary>
    public const string Warehouse = "warehouse";

    /// <summary>A schema.</summary>
    public const string Schema = "schema";

    /// <summary>A table or view.</summary>
    public const string Table = "table";

    /// <summary>The tables a schema will have (default privileges, future grants; on PostgreSQL its views too).</summary>
    public const string FutureTables = "future tables";

    /// <summary>The views a Snowflake schema will have (future grants: Snowflake's future tables do not cover views).</summary>
    public const string FutureViews = "future views";

    /// <summary>Kinds in dependency order.</summary>
    public static IReadOnlyList<string> InOrder => Order;

    private static readonly string[] Order = [Database, Role, ResourceMonitor, Warehouse, Schema, Table, FutureTables, FutureViews];

    /// <summary>The place of <paramref name="kind"/> in <see cref="InOrder"/> (unknown kinds last).</summary>
    public static int Rank(string kind)
    {
        var index = Array.IndexOf(Order, kind);
        return index < 0 ? Order.Length : index;
    }
}
