using Strata.Warehouse;

namespace Strata.Transform.Lineage;

/// <summary>Column-level lineage of compiled SQL: parsed by the <see cref="ISqlParser"/> the composition root lends, walked by <see cref="LineageWalker"/>.</summary>
public static class ColumnLineage
{
    /// <summary>The lineage of the SELECT <paramref name="sql"/>; a statement the parser refuses is unknown, with its reason.</summary>
    /// <param name="parser">The parser.</param>
    /// <param name="sql">One compiled SELECT.</param>
    /// <param name="resolve">The project's relation for (schema, table), or null; schema "" for an unqualified name that is no CTE.</param>
    public static LineageResult Of(ISqlParser parser, string sql, Func<string, string, LineageRelation?> resolve)
    {
        ArgumentNullException.ThrowIfNull(parser);
        var parsed = parser.Parse(sql);
        return parsed.Json is { } json ? LineageWalker.Walk(json, resolve) : LineageResult.Failed("DuckDB's parser: " + parsed.Error);
    }
}
