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
    // The names are made once, not on every read (the stream asks for the bronze name of every change it batches),
    // and again when `with` sets another schema or name: an initializer sets a property's field without its accessor.

    /// <summary>The bronze table's name: <c>&lt;schema&gt;__&lt;table&gt;</c>.</summary>
    public string BronzeName { get; private set; } = $"{Schema}__{Name}";

    /// <summary><c>schema.table</c>, for messages.</summary>
    public string DisplayName { get; private set; } = $"{Schema}.{Name}";

    /// <summary>Source schema.</summary>
    public string Schema { get; init { field = value; Named(); } } = Schema;

    /// <summary>Source table.</summary>
    public string Name { get; init { field = value; Named(); } } = Name;

    private void Named()
    {
        BronzeName = $"{Schema}__{Name}";
        DisplayName = $"{Schema}.{Name}";
    }
}
