using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Strata.Warehouse.Postgres;

/// <summary>
/// Dates, timestamps and times without Npgsql's infinity conversion, which maps <c>infinity</c> to
/// <see cref="DateTime.MaxValue"/> both ways: read, <c>-infinity</c> and <c>0001-01-01 00:00:00</c> would be one value;
/// written, a real <c>9999-12-31</c> or <c>0001-01-01 00:00:00</c> would become an infinity. Infinities travel as
/// <see cref="Infinite"/> and times as <see cref="TimeSpan"/>, which holds 24:00:00 (docs/types.md).
/// </summary>
internal static class PostgresValues
{
    private static readonly DateOnly EpochDate = new(2000, 1, 1);
    private static readonly long EpochTicks = new DateTime(2000, 1, 1).Ticks;

    public static Func<DbDataReader, int, object>? ColumnReader(DbDataReader reader, int ordinal) => reader.GetDataTypeName(ordinal) switch
    {
        "date" => ReadDate,
        "timestamp without time zone" or "timestamp with time zone" => ReadTimestamp,
        "time without time zone" => static (r, i) => r.GetFieldValue<TimeSpan>(i),
        _ => null,
    };

    /// <summary>Writes a value whose meaning Npgsql's conversion would change; false when the default write is exact.</summary>
    public static bool TryWriteRaw(NpgsqlBinaryImporter importer, object value, WarehouseTypeKind kind)
    {
        switch (value)
        {
            case Infinite infinite when kind == WarehouseTypeKind.Date:
                importer.Write(infinite.IsNegative ? int.MinValue : int.MaxValue, NpgsqlDbType.Date);
                return true;
            case Infinite infinite:
                importer.Write(infinite.IsNegative ? long.MinValue : long.MaxValue, kind == WarehouseTypeKind.TimestampTz ? NpgsqlDbType.TimestampTz : NpgsqlDbType.Timestamp);
                return true;
            case DateOnly date when date == DateOnly.MinValue || date == DateOnly.MaxValue:
                importer.Write(date.DayNumber - EpochDate.DayNumber, NpgsqlDbType.Date);
                return true;
            case DateTime time when time == DateTime.MinValue && kind is WarehouseTypeKind.Timestamp or WarehouseTypeKind.TimestampTz:
                importer.Write((time.Ticks - EpochTicks) / 10, kind == WarehouseTypeKind.TimestampTz ? NpgsqlDbType.TimestampTz : NpgsqlDbType.Timestamp);
                return true;
            default:
                return false;
        }
    }

    private static object ReadDate(DbDataReader reader, int ordinal) => reader.GetFieldValue<int>(ordinal) switch
    {
        int.MaxValue => Infinite.Positive,
        int.MinValue => Infinite.Negative,
        _ => reader.GetFieldValue<DateOnly>(ordinal),
    };

    private static object ReadTimestamp(DbDataReader reader, int ordinal) => reader.GetFieldValue<long>(ordinal) switch
    {
        long.MaxValue => Infinite.Positive,
        long.MinValue => Infinite.Negative,
        _ => reader.GetValue(ordinal),
    };
}
