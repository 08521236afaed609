using System.Collections;

namespace Strata.Warehouse;

/// <summary>The rows of a query, with the names of its columns.</summary>
public sealed class QueryResult : IReadOnlyList<object?[]>
{
    private readonly List<object?[]> _rows;

    /// <summary>Wraps rows read from a result with these columns.</summary>
    public QueryResult(IReadOnlyList<string> columns, List<object?[]> rows)
    {
        Columns = columns;
        _rows = rows;
    }

    /// <summary>Column names, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <inheritdoc />
    public int Count => _rows.Count;

    /// <inheritdoc />
    public object?[] this[int index] => _rows[index];

    /// <inheritdoc />
    public IEnumerator<object?[]> GetEnumerator() => _rows.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
