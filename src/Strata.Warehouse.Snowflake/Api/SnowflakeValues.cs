using System.Globalization;

namespace Strata.Warehouse.Snowflake.Api;

/// <summary>
/// Turns the SQL API's cells (every value a JSON string, null for SQL NULL) into .NET values by the column's
/// <c>rowType</c>, following "Handling responses" → "Getting the data from the results": fixed-point numbers as
/// decimal text, dates as days since the epoch, times and timestamps as seconds since the epoch (or midnight) with a
/// fraction, TIMESTAMP_TZ with its offset encoded as minutes + 1440 after a space, binary as hex, semi-structured
/// values as JSON text.
/// </summary>
public static class SnowflakeValues
{
    private const decimal TicksPerSecond = TimeSpan.TicksPerSecond;

    /// <summary>The value of <paramref name="cell"/> in a column of <paramref name="column"/>'s type.</summary>
    /// <exception cref="FormatException">The cell does not have the form its type documents.</exception>
    public static object? Decode(string? cell, SnowflakeColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (cell is null)
        {
            return null;
        }

        return column.Type.ToLowerInvariant() switch
        {
            "fixed" => Fixed(cell, column.Scale ?? 0),
            "real" => Real(cell),
            "boolean" => Boolean(cell),
            "date" => DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(long.Parse(cell, CultureInfo.InvariantCulture))),
            "time" => TimeOnly.FromTimeSpan(TimeSpan.FromTicks(Ticks(cell))),
            "timestamp_ntz" => DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks(Ticks(cell)), DateTimeKind.Unspecified),
            "timestamp_ltz" => new DateTimeOffset(DateTime.UnixEpoch.AddTicks(Ticks(cell)), TimeSpan.Zero),
            "timestamp_tz" => TimestampTz(cell),
            "binary" => Convert.FromHexString(cell),
            _ => cell, // text, variant, object, array (JSON text), and types Strata does not write
        };
    }

    private static object Fixed(string cell, int scale)
    {
        if (scale == 0 && long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return whole;
        }

        // NUMBER(38, s) can exceed decimal's 28–29 digits: such a value is refused rather than rounded.
        return decimal.TryParse(cell, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var exact)
            ? exact
            : throw new FormatException($"the number {cell} has more digits than .NET's decimal holds (28)");
    }

    private static double Real(string cell) => cell.ToLowerInvariant() switch
    {
        "inf" or "infinity" => double.PositiveInfinity,
        "-inf" or "-infinity" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static bool Boolean(string cell) => cell.ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw new FormatException($"'{cell}' is not a boolean"),
    };

    private static DateTimeOffset TimestampTz(string cell)
    {
        var space = cell.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            throw new FormatException($"'{cell}' is not a TIMESTAMP_TZ (seconds, a space, the offset in minutes + 1440)");
        }

        var offset = TimeSpan.FromMinutes(int.Parse(cell.AsSpan(space + 1), CultureInfo.InvariantCulture) - 1440);
        // The seconds are the instant (UTC); the offset says how it was written.
        return new DateTimeOffset(DateTime.UnixEpoch.AddTicks(Ticks(cell[..space])), TimeSpan.Zero).ToOffset(offset);
    }

    // Seconds with up to nine fractional digits; .NET keeps 100 ns, so the last two digits are truncated.
    private static long Ticks(string seconds) =>
        (long)decimal.Truncate(decimal.Parse(seconds, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) * TicksPerSecond);
}
