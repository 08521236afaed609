using System.Globalization;
using Strata.Warehouse.Snowflake.Api;

namespace Strata.Warehouse.Snowflake;

/// <summary>
/// Values as Snowflake SQL literals (for multi-statement requests, where the SQL API allows no bind variables) and
/// as bindings (single statements). Text is quoted with <c>'</c> doubled and <c>\</c> doubled, since Snowflake reads
/// backslash escapes inside single-quoted strings. Dates, times and timestamps travel as ISO text that Snowflake
/// casts to the column's type.
/// </summary>
public static class SnowflakeLiterals
{
    /// <summary><paramref name="value"/> as a literal.</summary>
    public static string Sql(object? value) => value switch
    {
        null or DBNull => "NULL",
        bool b => b ? "TRUE" : "FALSE",
        sbyte or byte or short or ushort or int or uint or long or ulong => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        float or double => Real(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        byte[] bytes => $"TO_BINARY('{Convert.ToHexString(bytes)}', 'HEX')",
        Infinite => throw new WarehouseException("Snowflake has no infinite dates or timestamps; the value cannot be written (docs/types.md)"),
        _ => Text(Iso(value)),
    };

    /// <summary><paramref name="value"/> as a binding (<c>FIXED</c>, <c>REAL</c>, <c>BOOLEAN</c>, else <c>TEXT</c>).</summary>
    public static SnowflakeBinding Binding(object? value) => value switch
    {
        null or DBNull => new("TEXT", null),
        bool b => new("BOOLEAN", b ? "true" : "false"),
        sbyte or byte or short or ushort or int or uint or long or ulong or decimal => new("FIXED", Convert.ToString(value, CultureInfo.InvariantCulture)),
        float or double => new("REAL", Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)),
        byte[] bytes => new("TEXT", Convert.ToHexString(bytes)),
        Infinite => throw new WarehouseException("Snowflake has no infinite dates or timestamps; the value cannot be written (docs/types.md)"),
        _ => new("TEXT", Iso(value)),
    };

    /// <summary>A quoted text literal.</summary>
    public static string Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    private static string Real(double value) => double.IsNaN(value) ? "'NaN'::FLOAT"
        : double.IsPositiveInfinity(value) ? "'inf'::FLOAT"
        : double.IsNegativeInfinity(value) ? "'-inf'::FLOAT"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Iso(object value) => value switch
    {
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        DateTimeOffset instant => instant.ToString("yyyy-MM-dd HH:mm:ss.fffffff zzz", CultureInfo.InvariantCulture),
        TimeOnly time => time.ToString("HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
