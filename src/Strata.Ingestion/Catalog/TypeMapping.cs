using Strata.Warehouse;

namespace Strata.Ingestion.Catalog;

/// <summary>How PostgreSQL types land in bronze (see docs/types.md).</summary>
public static class TypeMapping
{
    /// <summary>The warehouse type of a source column, and whether it travels as text.</summary>
    /// <param name="typeName">The base type's name (<c>pg_type.typname</c>), e.g. <c>int4</c>, <c>_int4</c> for arrays.</param>
    /// <param name="category">The type's category (<c>pg_type.typcategory</c>): <c>A</c> array, <c>E</c> enum, …</param>
    /// <param name="typmod">The column's type modifier (precision and scale of numeric).</param>
    public static (WarehouseType Type, bool CastToText) Map(string typeName, string category, int typmod)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        return typeName switch
        {
            "bool" => (new(WarehouseTypeKind.Boolean), false),
            "int2" => (new(WarehouseTypeKind.Int16), false),
            "int4" => (WarehouseType.Int32, false),
            "int8" => (WarehouseType.Int64, false),
            "float4" => (new(WarehouseTypeKind.Float32), false),
            "float8" => (new(WarehouseTypeKind.Float64), false),
            "numeric" when typmod >= 4 => (new(WarehouseTypeKind.Decimal, ((typmod - 4) >> 16) & 0xFFFF, (typmod - 4) & 0xFFFF), false),
            "numeric" => (new(WarehouseTypeKind.Decimal), false),
            "text" or "varchar" or "bpchar" or "name" or "citext" => (WarehouseType.Text, false),
            "date" => (new(WarehouseTypeKind.Date), false),
            "time" => (new(WarehouseTypeKind.Time), false),
            "timestamp" => (new(WarehouseTypeKind.Timestamp), false),
            "timestamptz" => (WarehouseType.TimestampTz, false),
            "uuid" => (new(WarehouseTypeKind.Uuid), false),
            // json keeps its exact text (a jsonb column would reorder keys and drop duplicates); jsonb text is already canonical.
            "json" => (WarehouseType.Text, true),
            "jsonb" => (new(WarehouseTypeKind.Json), true),
            "bytea" => (new(WarehouseTypeKind.Bytes), false),
            // Arrays, enums, intervals, ranges, network and geometric types keep their exact PostgreSQL text form.
            _ => (WarehouseType.Text, true),
        };
    }
}
