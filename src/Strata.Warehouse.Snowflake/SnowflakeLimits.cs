namespace Strata.Warehouse.Snowflake;

/// <summary>Sizes the SQL API imposes.</summary>
public static class SnowflakeLimits
{
    /// <summary>
    /// A request's statement text must stay under 1 MB ("Limitations of the SQL API"); bound values count too. Strata
    /// keeps a margin for the request's own JSON.
    /// </summary>
    public const int MaxStatementBytes = 1_000_000 - 16_384;

    /// <summary>How large one INSERT of an append grows before the next one starts.</summary>
    public const int AppendStatementBytes = 256 * 1024;

    /// <summary>Rows one VALUES clause may hold ("VALUES": at most 16,384).</summary>
    public const int ValuesRows = 16_384;
}
