namespace Strata.Warehouse;

/// <summary>The condition that joins two relations on their key columns, in the warehouse's quoting.</summary>
public static class KeyJoin
{
    /// <summary><c>l."k1" = r."k1" AND …</c> for unquoted key columns <paramref name="keys"/>.</summary>
    public static string Sql(IWarehouse warehouse, IEnumerable<string> keys, string left, string right)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(keys);
        return string.Join(" AND ", keys.Select(k => $"{left}.{warehouse.Quote(k)} = {right}.{warehouse.Quote(k)}"));
    }
}
