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
    public static async Task<object?> ReadAsync(NpgsqlBinaryExporter exporter, SourceColumn column, CancellationToken cancellationToken)
    {
        if (exporter.IsNull)
        {
            await exporter.SkipAsync(cancellationToken);
            return null;
        }

        if (column.CastToText)
        {
            return await exporter.ReadAsync<string>(cancellationToken);
        }

        return column.Type.Kind switch
        {
            WarehouseTypeKind.Boolean => await exporter.ReadAsync<bool>(cancellationToken),
            WarehouseTypeKind.Int16 => await exporter.ReadAsync<short>(cancellationToken),
            WarehouseTypeKind.Int32 => await exporter.ReadAsync<int>(cancellationToken),
            WarehouseTypeKind.Int64 => await exporter.ReadAsync<long>(cancellationToken),
            WarehouseTypeKind.Float32 => await exporter.ReadAsync<float>(cancellationToken),
            WarehouseTypeKind.Float64 => await exporter.ReadAsync<double>(cancellationToken),
            WarehouseTypeKind.Decimal => await exporter.ReadAsync<decimal>(cancellationToken),
            WarehouseTypeKind.Date => await exporter.ReadAsync<DateOnly>(cancellationToken),
            WarehouseTypeKind.Time => await exporter.ReadAsync<TimeOnly>(cancellationToken),
            WarehouseTypeKind.Timestamp => await exporter.ReadAsync<DateTime>(cancellationToken),
            // DateTime alone would be read as timestamp without time zone.
            WarehouseTypeKind.TimestampTz => await exporter.ReadAsync<DateTime>(NpgsqlTypes.NpgsqlDbType.TimestampTz, cancellationToken),
            WarehouseTypeKind.Uuid => await exporter.ReadAsync<Guid>(cancellationToken),
            WarehouseTypeKind.Bytes => await exporter.ReadAsync<byte[]>(cancellationToken),
            _ => await exporter.ReadAsync<string>(cancellationToken),
        };
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
                WarehouseTypeKind.Decimal => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
                WarehouseTypeKind.Date => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                WarehouseTypeKind.Time => TimeOnly.Parse(text, CultureInfo.InvariantCulture),
                WarehouseTypeKind.Timestamp => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.None),
                WarehouseTypeKind.TimestampTz => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).UtcDateTime,
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
