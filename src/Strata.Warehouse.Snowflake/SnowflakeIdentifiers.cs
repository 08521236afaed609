using System.Text.RegularExpressions;

namespace Strata.Warehouse.Snowflake;

/// <summary>
/// The case policy (docs/snowflake.md): every identifier is quoted, and a name Strata writes in its usual form —
/// lower case letters, digits, <c>_</c> and <c>$</c>, not starting with a digit — is quoted in upper case, which is
/// exactly what Snowflake makes of it unquoted. So <c>"ORDER_ID"</c> is what a hand-written <c>order_id</c> in a
/// model or dbt project resolves to, and both keep working. Any other name (mixed case, spaces, quotes) is quoted as
/// written and keeps its case. Names read back from Snowflake (catalog, result columns) are turned back the same way.
/// </summary>
public static partial class SnowflakeIdentifiers
{
    /// <summary>The name as Snowflake stores it.</summary>
    public static string Stored(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return LowerCaseName().IsMatch(identifier) ? identifier.ToUpperInvariant() : identifier;
    }

    /// <summary><paramref name="identifier"/> in double quotes, as stored.</summary>
    public static string Quote(string identifier) => "\"" + Stored(identifier).Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A name as Snowflake reports it, as Strata wrote it: <c>ORDER_ID</c> → <c>order_id</c>; anything else unchanged.</summary>
    public static string Written(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return UpperCaseName().IsMatch(stored) ? stored.ToLowerInvariant() : stored;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_$]*$")]
    private static partial Regex LowerCaseName();

    [GeneratedRegex("^[A-Z_][A-Z0-9_$]*$")]
    private static partial Regex UpperCaseName();
}
