using System.Text;

namespace Strata.Warehouse.Snowflake;

/// <summary>
/// Rows for a table, written as <c>INSERT INTO … SELECT … FROM VALUES (…), (…)</c> statements of literals that join
/// the transaction's one request (Snowflake allows no bind variables there). The SELECT casts each column to its type
/// (VALUES takes constants only, so JSON goes through PARSE_JSON and bytes through TO_BINARY there). This is the
/// path without PUT; staging files and <c>COPY INTO</c> is the bulk path left for very large loads (docs/snowflake.md).
/// </summary>
internal sealed class SnowflakeAppender(SnowflakeWarehouse warehouse, string schema, string table, IReadOnlyList<WarehouseColumn> columns, Action<string> add) : IBulkAppender
{
    private readonly string _head = Head(warehouse, schema, table, columns);
    private StringBuilder? _statement;

    public void Append(ReadOnlySpan<object?> values)
    {
        if (values.Length != columns.Count)
        {
            throw new ArgumentException($"{values.Length} values for the {columns.Count} columns of {schema}.{table}", nameof(values));
        }

        var row = new StringBuilder("(");
        for (var i = 0; i < values.Length; i++)
        {
            row.Append(i == 0 ? "" : ", ").Append(Constant(values[i]));
        }

        row.Append(')');
        if (_statement is not null && _statement.Length + row.Length > SnowflakeLimits.AppendStatementBytes)
        {
            Flush();
        }

        _statement = _statement is null ? new StringBuilder(_head).Append(row) : _statement.Append(", ").Append(row);
    }

    public Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        Flush();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Flush()
    {
        if (_statement is not null)
        {
            add(_statement.ToString());
            _statement = null;
        }
    }

    private static string Head(SnowflakeWarehouse warehouse, string schema, string table, IReadOnlyList<WarehouseColumn> columns)
    {
        var names = string.Join(", ", columns.Select(c => warehouse.Quote(c.Name)));
        var casts = string.Join(", ", columns.Select((c, i) => Cast(c.Type, $"column{i + 1}")));
        return $"INSERT INTO {warehouse.Qualify(schema, table)} ({names}) SELECT {casts} FROM VALUES ";
    }

    private static string Cast(WarehouseType type, string column) => type.Kind switch
    {
        WarehouseTypeKind.Json => $"PARSE_JSON({column})",
        WarehouseTypeKind.Bytes => $"TO_BINARY({column}, 'HEX')",
        _ => $"CAST({column} AS {SnowflakeTypes.Name(type)})",
    };

    // VALUES takes constants only: bytes as hex text, non-finite floats as the text FLOAT reads.
    private static string Constant(object? value) => value switch
    {
        byte[] bytes => SnowflakeLiterals.Text(Convert.ToHexString(bytes)),
        double d when !double.IsFinite(d) => SnowflakeLiterals.Text(double.IsNaN(d) ? "NaN" : d > 0 ? "inf" : "-inf"),
        float f when !float.IsFinite(f) => SnowflakeLiterals.Text(float.IsNaN(f) ? "NaN" : f > 0 ? "inf" : "-inf"),
        _ => SnowflakeLiterals.Sql(value),
    };
}
