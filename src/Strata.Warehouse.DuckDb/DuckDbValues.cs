using System.Data.Common;
using DuckDB.NET.Native;

namespace Strata.Warehouse.DuckDb;

/// <summary>
/// Values DuckDB.NET cannot hand out as its default type: it throws on an infinite DATE or TIMESTAMP and on a TIME of
/// 24:00:00. They are read as <see cref="Infinite"/> and <see cref="TimeSpan"/> instead (docs/types.md).
/// </summary>
internal static class DuckDbValues
{
    public static Func<DbDataReader, int, object>? ColumnReader(DbDataReader reader, int ordinal) => reader.GetDataTypeName(ordinal) switch
    {
        "Date" => ReadDate,
        "Timestamp" or "TimestampTz" => ReadTimestamp,
        "Time" => static (r, i) => r.GetFieldValue<TimeSpan>(i),
        _ => null,
    };

    /// <summary>A TIME value for the appender: <see cref="DuckDBTimeOnly"/> takes 24:00:00, <see cref="TimeOnly"/> does not.</summary>
    public static DuckDBTimeOnly Time(TimeSpan value) =>
        new((byte)(value.Ticks / TimeSpan.TicksPerHour), (byte)value.Minutes, (byte)value.Seconds, (int)(value.Ticks % TimeSpan.TicksPerSecond / 10));

    /// <summary>DuckDB's own DATE infinity, which the appender takes.</summary>
    public static DuckDBDateOnly Date(Infinite value) => value.IsNegative ? DuckDBDateOnly.NegativeInfinity : DuckDBDateOnly.PositiveInfinity;

    /// <summary>A TIME value as DuckDB parses it, 24:00:00 included.</summary>
    public static string TimeText(TimeSpan value) => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{value.Ticks / TimeSpan.TicksPerHour:00}:{value.Minutes:00}:{value.Seconds:00}.{value.Ticks % TimeSpan.TicksPerSecond / 10:000000}");

    private static object ReadDate(DbDataReader reader, int ordinal)
    {
        var date = reader.GetFieldValue<DuckDBDateOnly>(ordinal);
        return date.IsPositiveInfinity ? Infinite.Positive : date.IsNegativeInfinity ? Infinite.Negative : (DateOnly)date;
    }

    private static object ReadTimestamp(DbDataReader reader, int ordinal)
    {
        var timestamp = reader.GetFieldValue<DuckDBTimestamp>(ordinal);
        return timestamp.IsPositiveInfinity ? Infinite.Positive : timestamp.IsNegativeInfinity ? Infinite.Negative : reader.GetValue(ordinal);
    }
}
