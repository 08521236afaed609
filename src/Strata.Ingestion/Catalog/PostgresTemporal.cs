using System.Globalization;
using Strata.Warehouse;

namespace Strata.Ingestion.Catalog;

/// <summary>
/// PostgreSQL's dates, timestamps and times as the values bronze keeps: <see cref="Infinite"/> for <c>±infinity</c>,
/// <see cref="TimeSpan"/> for a time (it holds 24:00:00), and a loud error for what .NET cannot hold (years before 1
/// or after 9999) instead of a clamp.
/// </summary>
internal static class PostgresTemporal
{
    private static readonly DateOnly EpochDate = new(2000, 1, 1);
    private static readonly long EpochTicks = new DateTime(2000, 1, 1).Ticks;
    private static readonly long MaxMicroseconds = (DateTime.MaxValue.Ticks - EpochTicks) / 10;
    private static readonly long MinMicroseconds = (DateTime.MinValue.Ticks - EpochTicks) / 10;

    /// <summary>A date from binary COPY: days since 2000-01-01.</summary>
    public static object Date(int days, SourceColumn column, SourceTable table) => days switch
    {
        int.MaxValue => Infinite.Positive,
        int.MinValue => Infinite.Negative,
        _ when days >= DateOnly.MinValue.DayNumber - EpochDate.DayNumber && days <= DateOnly.MaxValue.DayNumber - EpochDate.DayNumber =>
            DateOnly.FromDayNumber(EpochDate.DayNumber + days),
        _ => throw OutOfRange(column, table),
    };

    /// <summary>A timestamp from binary COPY: microseconds since 2000-01-01 00:00.</summary>
    public static object Timestamp(long microseconds, DateTimeKind kind, SourceColumn column, SourceTable table) => microseconds switch
    {
        long.MaxValue => Infinite.Positive,
        long.MinValue => Infinite.Negative,
        >= 0 when microseconds <= MaxMicroseconds => new DateTime(EpochTicks + microseconds * 10, kind),
        < 0 when microseconds >= MinMicroseconds => new DateTime(EpochTicks + microseconds * 10, kind),
        _ => throw OutOfRange(column, table),
    };

    /// <summary><c>infinity</c> or <c>-infinity</c> in pgoutput's text; null for any other text.</summary>
    public static object? ParseInfinity(string text) => text switch
    {
        "infinity" => Infinite.Positive,
        "-infinity" => Infinite.Negative,
        _ => null,
    };

    /// <summary>A time in pgoutput's text, <c>24:00:00</c> included.</summary>
    public static TimeSpan ParseTime(string text) =>
        text == "24:00:00" ? TimeSpan.FromHours(24) : TimeOnly.ParseExact(text, ["HH:mm:ss", "HH:mm:ss.FFFFFF"], CultureInfo.InvariantCulture).ToTimeSpan();

    private static IngestionException OutOfRange(SourceColumn column, SourceTable table) => new(
        $"a value of {table.DisplayName}.{column.Name} ({column.SourceType}) is before year 1 or after year 9999, which bronze cannot hold; nothing was written — " +
        "keep such dates out of the column, or change it to text");
}
