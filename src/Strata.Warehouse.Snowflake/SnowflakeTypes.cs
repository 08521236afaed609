namespace Strata.Warehouse.Snowflake;

/// <summary>
/// Strata's types in Snowflake and back (docs/types.md). Snowflake keeps every integer as NUMBER, so the integer
/// widths are told apart by precision (5, 10, 19 digits at scale 0); FLOAT is always 64-bit; a UUID is VARCHAR(36);
/// JSON is VARIANT. What information_schema says back is mapped by <see cref="Parse"/>.
/// </summary>
public static class SnowflakeTypes
{
    /// <summary>Snowflake's largest precision.</summary>
    public const int MaxDecimalPrecision = 38;

    /// <summary>A decimal without precision (PostgreSQL's <c>numeric</c>) is stored with DuckDB's choice, 38 digits of which 10 after the point.</summary>
    public static readonly WarehouseType UnconstrainedDecimal = new(WarehouseTypeKind.Decimal, 38, 10);

    /// <summary>The Snowflake type for <paramref name="type"/>.</summary>
    public static string Name(WarehouseType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            WarehouseTypeKind.Boolean => "BOOLEAN",
            WarehouseTypeKind.Int16 => "NUMBER(5,0)",
            WarehouseTypeKind.Int32 => "NUMBER(10,0)",
            WarehouseTypeKind.Int64 => "NUMBER(19,0)",
            WarehouseTypeKind.Float32 or WarehouseTypeKind.Float64 => "FLOAT",
            WarehouseTypeKind.Decimal when type.Precision is { } p && p <= MaxDecimalPrecision => $"NUMBER({p},{type.Scale ?? 0})",
            WarehouseTypeKind.Decimal when type.Precision is null => Name(UnconstrainedDecimal),
            WarehouseTypeKind.Decimal => "VARCHAR", // wider than 38 digits: kept exactly as text, as on DuckDB
            WarehouseTypeKind.Date => "DATE",
            WarehouseTypeKind.Time => "TIME(9)",
            WarehouseTypeKind.Timestamp => "TIMESTAMP_NTZ(9)",
            WarehouseTypeKind.TimestampTz => "TIMESTAMP_TZ(9)",
            WarehouseTypeKind.Uuid => "VARCHAR(36)",
            WarehouseTypeKind.Json => "VARIANT",
            WarehouseTypeKind.Bytes => "BINARY",
            _ => "VARCHAR",
        };
    }

    /// <summary>The type of a column from information_schema's <c>data_type</c>, precision, scale and character length.</summary>
    public static WarehouseType Parse(string dataType, int? precision, int? scale, long? length)
    {
        ArgumentNullException.ThrowIfNull(dataType);
        return dataType.ToUpperInvariant() switch
        {
            "NUMBER" or "DECIMAL" or "NUMERIC" => (precision, scale ?? 0) switch
            {
                (5, 0) => new(WarehouseTypeKind.Int16),
                (10, 0) => WarehouseType.Int32,
                (19, 0) => WarehouseType.Int64,
                _ => new(WarehouseTypeKind.Decimal, precision ?? MaxDecimalPrecision, scale ?? 0),
            },
            "FLOAT" or "DOUBLE" or "REAL" => new(WarehouseTypeKind.Float64),
            "BOOLEAN" => new(WarehouseTypeKind.Boolean),
            "DATE" => new(WarehouseTypeKind.Date),
            "TIME" => new(WarehouseTypeKind.Time),
            "TIMESTAMP_NTZ" => new(WarehouseTypeKind.Timestamp),
            "TIMESTAMP_TZ" or "TIMESTAMP_LTZ" => WarehouseType.TimestampTz,
            "VARIANT" or "OBJECT" or "ARRAY" => new(WarehouseTypeKind.Json),
            "BINARY" => new(WarehouseTypeKind.Bytes),
            "TEXT" or "VARCHAR" when length == 36 => new(WarehouseTypeKind.Uuid),
            _ => WarehouseType.Text,
        };
    }
}
