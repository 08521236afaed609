using Strata.Warehouse;

namespace Strata.Ingestion.Catalog;

/// <summary>A column of a published source table and the bronze type it maps to.</summary>
/// <param name="Name">Column name (case kept).</param>
/// <param name="SourceType">The source's type, as <c>format_type</c> prints it.</param>
/// <param name="Type">The warehouse type.</param>
/// <param name="CastToText">True when the value travels as its PostgreSQL text form (arrays, enums, intervals, …).</param>
/// <param name="IsKey">Part of the primary key.</param>
/// <param name="TypeOid">The type's OID, to notice a type change in the stream.</param>
/// <param name="TypeModifier">The type modifier (e.g. varchar length), likewise.</param>
public sealed record SourceColumn(string Name, string SourceType, WarehouseType Type, bool CastToText, bool IsKey, uint TypeOid = 0, int TypeModifier = -1);

/// <summary>A published source table.</summary>
/// <param name="Schema">Source schema.</param>
/// <param name="Name">Source table.</param>
/// <param name="Columns">Its columns in order.</param>
public sealed record SourceTable(string Schema, string Name, IReadOnlyList<SourceColumn> Columns)
{
    /// <summary>The bronze table's name: <c>&lt;schema&gt;__&lt;table&gt;</c>.</summary>
    public string BronzeName => $"{Schema}__{Name}";

    /// <summary><c>schema.table</c>, for messages.</summary>
    public string DisplayName => $"{Schema}.{Name}";
}
