using System.Globalization;
using Strata.Warehouse;
using Strata.Warehouse.Metadata;

namespace Strata.Transform.History;

/// <summary>The reads the history readers share: SQL built from <see cref="StrataSchema"/>'s tables, rows read by column name.</summary>
internal static class HistoryQuery
{
    /// <summary>
    /// Every column of <paramref name="table"/> for the <paramref name="keep"/> newest rows (by <c>started_at</c>) of each
    /// <paramref name="partitionBy"/>, then <paramref name="orderBy"/>.
    /// </summary>
    public static string NewestPerSql(IWarehouse warehouse, StrataTable table, string partitionBy, int keep, string orderBy) =>
        $"SELECT {table.ColumnList(warehouse)} FROM (SELECT {table.ColumnList(warehouse)}, row_number() OVER (PARTITION BY {partitionBy} ORDER BY started_at DESC) AS newest " +
        $"FROM {table.Qualified(warehouse)}) AS ranked WHERE newest <= {keep.ToString(CultureInfo.InvariantCulture)} ORDER BY {orderBy}";

    /// <summary>
    /// The rows of <paramref name="sql"/> as <paramref name="read"/> makes them; none while <paramref name="table"/> does
    /// not exist yet (a warehouse nothing has run on), where any other failure is the warehouse's to report.
    /// </summary>
    public static async Task<IReadOnlyList<T>> ReadAsync<T>(
        IWarehouse warehouse, StrataTable table, string sql, IReadOnlyList<object?>? parameters, Func<HistoryRow, T> read, CancellationToken cancellationToken)
    {
        if (await warehouse.GetColumnsAsync(StrataSchema.Name, table.Name, cancellationToken) is null)
        {
            return [];
        }

        var result = await warehouse.QueryAsync(sql, parameters, cancellationToken);
        var ordinals = result.Columns.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i, StringComparer.OrdinalIgnoreCase);
        return result.Select(values => read(new HistoryRow(ordinals, values))).ToList();
    }
}

/// <summary>One row of a history query, its values found by column name.</summary>
internal readonly struct HistoryRow(IReadOnlyDictionary<string, int> ordinals, object?[] values)
{
    private object? this[string column] => values[ordinals[column]];

    public string Text(string column) => (string)this[column]!;

    public string? OptionalText(string column) => (string?)this[column];

    public long? Long(string column) => this[column] is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;

    /// <summary>The _strata tables hold UTC without a zone: say so, or a browser reads the time as its local time.</summary>
    public DateTime Utc(string column) => DateTime.SpecifyKind((DateTime)this[column]!, DateTimeKind.Utc);
}
