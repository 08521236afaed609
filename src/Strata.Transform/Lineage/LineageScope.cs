namespace Strata.Transform.Lineage;

/// <summary>An output column of a query, a CTE or a relation in a FROM clause, with where its values come from.</summary>
internal sealed record ScopeColumn(string? Name, Origin Origin);

/// <summary>
/// A relation visible in a FROM clause under its alias: its columns when known, and for a table of the project (or
/// any base table) the node that stands for it, so that <c>alias.column</c> resolves even when its columns are not known.
/// </summary>
internal sealed record ScopeRelation(string Alias, IReadOnlyList<ScopeColumn>? Columns, string? Node, string? Unknown)
{
    /// <summary>The column <paramref name="name"/> of this relation, or null when it is not known to have it.</summary>
    public Origin? Column(string name)
    {
        if (Columns is not null)
        {
            return Columns.FirstOrDefault(c => Same(c.Name, name))?.Origin;
        }

        return Node is not null ? Origin.Of(new ColumnRef(Node, name)) : null;
    }

    public static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// What a FROM clause brings into scope: the relations in order, the columns merged by <c>JOIN … USING</c> (one
/// column fed by both sides), and the enclosing query's scope for correlated references.
/// </summary>
internal sealed class QueryScope(QueryScope? outer)
{
    public QueryScope? Outer { get; } = outer;

    public List<ScopeRelation> Relations { get; } = [];

    /// <summary>USING columns: name → both sides' origins; a <c>select *</c> lists them once.</summary>
    public Dictionary<string, Origin> Merged { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Set when a part of the FROM clause cannot be followed (then every unresolved column says why).</summary>
    public string? Unknown { get; set; }
}
