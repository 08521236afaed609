namespace Strata.Transform.Lineage;

/// <summary>A column of a relation upstream: the project's node (<c>model.x</c>, <c>source.s.t</c>, …) and the column's name.</summary>
/// <param name="Node">The node's id, or <c>relation.schema.table</c> for a relation the project does not declare.</param>
/// <param name="Column">The column, as the SQL names it.</param>
public sealed record ColumnRef(string Node, string Column);

/// <summary>A relation the compiled SQL reads, as the project knows it.</summary>
/// <param name="Node">The node's id.</param>
/// <param name="Columns">Every column it has, in order, when known for certain (never a partial list: a <c>select *</c> is expanded with it); else null.</param>
public sealed record LineageRelation(string Node, IReadOnlyList<string>? Columns);

/// <summary>Where one output column of a query comes from.</summary>
/// <param name="Name">The output column's name; null for an expression without an alias (the warehouse names it).</param>
/// <param name="Upstream">The upstream columns its value is computed from, in first-seen order.</param>
/// <param name="Unknown">Why its origin is not (fully) known, or null when <paramref name="Upstream"/> is all of it.</param>
public sealed record LineageColumn(string? Name, IReadOnlyList<ColumnRef> Upstream, string? Unknown);

/// <summary>The lineage of one query: each output column's, or why none could be computed.</summary>
/// <param name="Columns">The output columns in order (empty when <paramref name="Unknown"/> is set).</param>
/// <param name="Unknown">Why the query's columns could not be followed (a parse error, a <c>select *</c> over unknown columns, …).</param>
public sealed record LineageResult(IReadOnlyList<LineageColumn> Columns, string? Unknown)
{
    /// <summary>A query whose lineage is unknown, and why.</summary>
    public static LineageResult Failed(string reason) => new([], reason);
}

/// <summary>
/// The upstream columns of one expression: a set in first-seen order, plus the first reason any part of it is not
/// known. Combining keeps what is known and the first reason.
/// </summary>
internal sealed class Origin
{
    private readonly List<ColumnRef> _refs = [];
    private readonly HashSet<ColumnRef> _seen = [];

    private Origin(string? unknown) => Unknown = unknown;

    public IReadOnlyList<ColumnRef> Refs => _refs;

    public string? Unknown { get; private set; }

    public static Origin Empty() => new(null);

    public static Origin Of(ColumnRef column)
    {
        var origin = new Origin(null);
        origin.Add(column);
        return origin;
    }

    public static Origin Unresolved(string reason) => new(reason);

    public static Origin Union(IEnumerable<Origin> origins)
    {
        var union = Empty();
        foreach (var origin in origins)
        {
            union.Merge(origin);
        }

        return union;
    }

    public void Merge(Origin other)
    {
        foreach (var column in other._refs)
        {
            Add(column);
        }

        Unknown ??= other.Unknown;
    }

    private void Add(ColumnRef column)
    {
        if (_seen.Add(column))
        {
            _refs.Add(column);
        }
    }
}
