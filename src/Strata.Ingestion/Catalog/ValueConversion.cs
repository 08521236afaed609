using System.Globalization;
using Npgsql;
using Strata.Warehouse;

namespace Strata.Ingestion.Catalog;

/// <summary>
/// Turns source values into the CLR values the warehouse adapters write: from binary COPY in the snapshot and
/// from pgoutput's text form in the stream. A value that cannot be kept exactly is an error, never rounded.
/// </summary>
internal static class ValueConversion
{
    /// <summary>Reads the next value of a binary COPY row.</summary>
    /// <remarks>Synchronous on purpose: values come out of Npgsql's buffer, and an await per value costs more than the rare refill.</remarks>
    public static object? Read(NpgsqlBinaryExporter exporter, SourceColumn column, SourceTable table)
    {
        if (exporter.IsNull)
        {
            exporter.Skip();
            return null;
        }

        if (column.CastToText)
        {
            return exporter.Read<string>();
        }

        return column.Type.Kind switch
        {
            WarehouseTypeKind.Boolean => exporter.Read<bool>(),
            WarehouseTypeKind.Int16 => exporter.Read<short>(),
            WarehouseTypeKind.Int32 => exporter.Read<int>(),
            WarehouseTypeKind.Int64 => exporter.Read<long>(),
            WarehouseTypeKind.Float32 => exporter.Read<float>(),
            WarehouseTypeKind.Float64 => exporter.Read<double>(),
            WarehouseTypeKind.Decimal => ReadDecimal(exporter, column, table),
            // Raw days and microseconds: Npgsql's own conversion turns infinity into 9999-12-31 and back into infinity.
            WarehouseTypeKind.Date => PostgresTemporal.Date(exporter.Read<int>(NpgsqlTypes.NpgsqlDbType.Date), column, table),
            // TimeSpan, not TimeOnly: PostgreSQL's time goes up to 24:00:00 inclusive.
            WarehouseTypeKind.Time => exporter.Read<TimeSpan>(NpgsqlTypes.NpgsqlDbType.Time),
            WarehouseTypeKind.Timestamp => PostgresTemporal.Timestamp(exporter.Read<long>(NpgsqlTypes.NpgsqlDbType.Timestamp), DateTimeKind.Unspecified, column, table),
            WarehouseTypeKind.TimestampTz => PostgresTemporal.Timestamp(exporter.Read<long>(NpgsqlTypes.NpgsqlDbType.TimestampTz), DateTimeKind.Utc, column, table),
            WarehouseTypeKind.Uuid => exporter.Read<Guid>(),
            WarehouseTypeKind.Bytes => exporter.Read<byte[]>(),
            _ => exporter.Read<string>(),
        };
    }

    private static decimal ReadDecimal(NpgsqlBinaryExporter exporter, SourceColumn column, SourceTable table)
    {
        try
        {
            return exporter.Read<decimal>();
        }
        catch (Exception ex) when (ex is OverflowException or InvalidCastException)
        {
            throw new IngestionException(
                $"a value of {table.DisplayName}.{column.Name} ({column.SourceType}) is NaN, ±Infinity or beyond 28 significant digits, which a decimal cannot hold exactly; " +
                "nothing was written — constrain the source column's precision, or keep such values out of it", ex);
        }
    }

    /// <summary>A decimal exactly as written: more significant digits than <see cref="decimal"/> keeps (28–29) is an overflow, never a rounding.</summary>
    private static decimal ParseExactDecimal(string text)
    {
        var value = decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return Significant(value.ToString(CultureInfo.InvariantCulture)) == Significant(text) ? value : throw new OverflowException();

        static string Significant(string number) =>
            number.Contains('.', StringComparison.Ordinal) ? number.TrimEnd('0').TrimEnd('.') : number;
    }

    /// <summary>Parses a value in PostgreSQL's text output form.</summary>
    public static object? Parse(string? text, SourceColumn column, SourceTable table)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return column.CastToText ? text : column.Type.Kind switch
            {
                WarehouseTypeKind.Boolean => text == "t",
                WarehouseTypeKind.Int16 => short.Parse(text, CultureInfo.InvariantCulture),
                WarehouseTypeKind.Int32 => int.Parse(text, CultureInfo.InvariantCulture),
                WarehouseTypeKind.Int64 => long.Parse(text, CultureInfo.InvariantCulture),
                WarehouseTypeKind.Float32 => float.Parse(text, CultureInfo.InvariantCulture),
                WarehouseTypeKind.Float64 => double.Parse(text, CultureInfo.InvariantCulture),
                WarehouseTypeKind.Decimal => ParseExactDecimal(text),
                WarehouseTypeKind.Date => PostgresTemporal.ParseInfinity(text) ?? DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                WarehouseTypeKind.Time => PostgresTemporal.ParseTime(text),
                WarehouseTypeKind.Timestamp => PostgresTemporal.ParseInfinity(text) ?? DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.None),
                WarehouseTypeKind.TimestampTz => PostgresTemporal.ParseInfinity(text) ?? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).UtcDateTime,
                WarehouseTypeKind.Uuid => Guid.Parse(text, CultureInfo.InvariantCulture),
                WarehouseTypeKind.Bytes => Convert.FromHexString(text.AsSpan(2)),
                _ => text,
            };
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new IngestionException(
                $"value '{(text.Length > 60 ? text[..57] + "..." : text)}' of {table.DisplayName}.{column.Name} ({column.SourceType}) cannot be stored exactly as {column.Type}; " +
                "nothing was written — widen or constrain the source column, then `strata ingest --resync " + table.DisplayName + "`", ex);
        }
    }
}
