using System.Globalization;
using DuckDB.NET.Data;

namespace Strata.Warehouse.DuckDb;

/// <summary>
/// Rows DuckDB.NET's appender cannot write, inserted by statement once the appender is closed, in the same
/// transaction: an infinite TIMESTAMP or TIMESTAMPTZ (the appender takes only a <see cref="DateTime"/>, which has no
/// infinity). Rare rows, so a statement each is cheap enough; order does not matter in a table.
/// </summary>
internal sealed class DuckDbStatementRows(DuckDBConnection connection, DuckDBTransaction transaction, string schema, string table, IReadOnlyList<WarehouseColumn> columns)
{
    private readonly List<object?[]> _rows = [];

    public void Add(object?[] values) => _rows.Add(values);

    public async Task InsertAsync(CancellationToken cancellationToken)
    {
        if (_rows.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", columns.Select(c => Quote(c.Name)));
        // Every value is cast to its column's type, so text stands in for what a parameter cannot carry ('infinity', '24:00:00').
        var values = string.Join(", ", columns.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"CAST(${i + 1} AS {DuckDbWarehouse.Name(c.Type)})")));
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {Quote(schema)}.{Quote(table)} ({names}) VALUES ({values})";
        try
        {
            foreach (var row in _rows)
            {
                command.Parameters.Clear();
                foreach (var value in row)
                {
                    command.Parameters.Add(new DuckDBParameter(Parameter(value)));
                }

                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (DuckDBException ex)
        {
            throw new WarehouseException($"DuckDB rejected a row of {schema}.{table}: {ex.Message.Split('\n')[0]}", ex);
        }

        _rows.Clear();
    }

    private static object Parameter(object? value) => value switch
    {
        null => DBNull.Value,
        Infinite infinite => infinite.ToString(),
        TimeSpan time => DuckDbValues.TimeText(time),
        _ => value,
    };

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
