using System.Globalization;
using Strata.Warehouse;

namespace Strata.Ingestion.Catalog;

/// <summary>
/// Bronze values rendered as PostgreSQL's own text output of the source column would write them (<c>format('%s', col)</c>,
/// DateStyle ISO, timestamptz in UTC), so reconcile and tests compare with the source's text and any rewrite shows.
/// </summary>
/// <remarks>
/// One documented exception (docs/types.md): unconstrained <c>numeric</c> is compared without trailing fractional zeros on
/// both sides, because DuckDB keeps it as DECIMAL(38,10), the value exactly but not its display scale.
/// </remarks>
public static class PostgresText
{
    /// <summary>The text of a bronze value read back from either warehouse; null for NULL.</summary>
    public static string? Render(object? value, SourceColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (value is null)
        {
            return null;
        }

        if (column.CastToText || value is string)
        {
            return Canonical(Convert.ToString(value, CultureInfo.InvariantCulture), column);
        }

        return value switch
        {
            Infinite infinite => infinite.ToString(),
            bool b => b ? "t" : "f",
            float f => Float(f.ToString("R", CultureInfo.InvariantCulture), 6),
            double d => Float(d.ToString("R", CultureInfo.InvariantCulture), 15),
            decimal m => Canonical(column.Type.Scale is { } scale ? m.ToString("F" + scale.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : m.ToString(CultureInfo.InvariantCulture), column),
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTime d when column.Type.Kind == WarehouseTypeKind.Date => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTime d when column.Type.Kind == WarehouseTypeKind.TimestampTz => Timestamp(d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : d) + "+00",
            DateTime d => Timestamp(d),
            DateTimeOffset d => Timestamp(d.UtcDateTime) + "+00",
            TimeSpan t => Time(t),
            TimeOnly t => Time(t.ToTimeSpan()),
            Guid g => g.ToString("D"),
            byte[] bytes => "\\x" + Convert.ToHexStringLower(bytes),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The source's text made comparable: unconstrained numeric without trailing fractional zeros.</summary>
    public static string? Canonical(string? text, SourceColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return text is not null && column.Type is { Kind: WarehouseTypeKind.Decimal, Precision: null } && text.Contains('.', StringComparison.Ordinal)
            ? text.TrimEnd('0').TrimEnd('.')
            : text;
    }

    private static string Timestamp(DateTime value) => value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + Fraction(value.Ticks);

    private static string Time(TimeSpan value) => string.Create(
        CultureInfo.InvariantCulture, $"{value.Ticks / TimeSpan.TicksPerHour:00}:{value.Minutes:00}:{value.Seconds:00}") + Fraction(value.Ticks);

    /// <summary>Microseconds, trailing zeros dropped, as PostgreSQL prints them.</summary>
    private static string Fraction(long ticks) =>
        ticks % TimeSpan.TicksPerSecond is var rest && rest == 0 ? "" : "." + (rest / 10).ToString("000000", CultureInfo.InvariantCulture).TrimEnd('0');

    /// <summary>
    /// The shortest exact digits (.NET's "R" and PostgreSQL since 12 agree on them) laid out as PostgreSQL does: exponent
    /// form below 1e-4 or from 10^<paramref name="digits"/> on (6 for real, 15 for double precision), e.g. <c>1e+06</c>.
    /// </summary>
    private static string Float(string shortest, int digits)
    {
        if (shortest is "NaN" or "Infinity" or "-Infinity")
        {
            return shortest;
        }

        var negative = shortest.StartsWith('-');
        var body = negative ? shortest[1..] : shortest;
        var e = body.IndexOf('E', StringComparison.Ordinal);
        var exponent = e < 0 ? 0 : int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? body : body[..e];
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var all = mantissa.Replace(".", "", StringComparison.Ordinal);
        var position = (point < 0 ? mantissa.Length : point) + exponent;
        var significant = all.TrimStart('0');
        position -= all.Length - significant.Length;
        significant = significant.TrimEnd('0');
        if (significant.Length == 0)
        {
            return negative ? "-0" : "0";
        }

        var sign = negative ? "-" : "";
        var power = position - 1;
        if (power < -4 || power >= digits)
        {
            var rest = significant.Length > 1 ? "." + significant[1..] : "";
            return string.Create(CultureInfo.InvariantCulture, $"{sign}{significant[0]}{rest}e{(power < 0 ? '-' : '+')}{Math.Abs(power):00}");
        }

        return sign + (position <= 0
            ? "0." + new string('0', -position) + significant
            : position >= significant.Length
                ? significant + new string('0', position - significant.Length)
                : significant[..position] + "." + significant[position..]);
    }
}
