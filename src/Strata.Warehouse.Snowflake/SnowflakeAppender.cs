using System.Text;

namespace Strata.Warehouse.Snowflake;

/// <summary>
/// Rows for a table, written as <c>INSERT INTO … SELECT … FROM VALUES (…), (…)</c> statements of literals that join
/// the transaction's one request (Snowflake allows no bind variables there). The SELECT casts each column to its type
/// (VALUES takes constants only, so JSON goes through PARSE_JSON and bytes through TO_BINARY there). A statement ends at
/// <see cref="SnowflakeLimits.AppendStatementBytes"/> or at VALUES' limit of rows. This is the path without PUT;
/// staging files and <c>COPY INTO</c> is the bulk path left for very large loads (docs/snowflake.md).
/// </summary>
internal sealed class SnowflakeAppender(SnowflakeWarehouse warehouse, string schema, string table, IReadOnlyList<WarehouseColumn> columns, Action<string> add) : IBulkAppender
{
    private readonly string _head = Head(warehouse, schema, table, columns);
    private StringBuilder? _statement;
    private int _rows;

    public void Append(ReadOnlySpan<object?> values)
    {
        if (values.Length != columns.Count)
        {
            throw new ArgumentException($"{values.Length} values for the {columns.Count} columns of {schema}.{table}", nameof(values));
        }

        var row = Row(values);
        if (_statement is not null && (_statement.Length + row.Length > SnowflakeLimits.AppendStatementBytes || _rows == SnowflakeLimits.ValuesRows))
        {
            Flush();
        }

        _statement = _statement is null ? new StringBuilder(_head).Append(row) : _statement.Append(", ").Append(row);
        _rows++;
    }

    public Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        Flush();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// An upper bound of the bytes <paramref name="values"/> adds to the transaction's request: its text and separator,
    /// the statement head when <paramref name="first"/>, and otherwise its share of the heads of the statements that
    /// follow. A statement is cut only once its rows and the next row pass <c>AppendStatementBytes − head</c>, so each
    /// further head is paid for by at most twice that many bytes of rows, or by VALUES' limit of rows.
    /// </summary>
    internal static long Bytes(SnowflakeWarehouse warehouse, IReadOnlyList<WarehouseColumn> columns, ReadOnlySpan<object?> values, bool first)
    {
        long row = Encoding.UTF8.GetByteCount(Row(values)) + 2;
        long head = Encoding.UTF8.GetByteCount(Head(warehouse, "_", "_", columns)) + 2L * 256; // schema and table names of up to 255 bytes, quoted
        var room = Math.Max(1, SnowflakeLimits.AppendStatementBytes - head);
        return first ? head + row : row + (head * 2 * row + room - 1) / room + (head + SnowflakeLimits.ValuesRows - 1) / SnowflakeLimits.ValuesRows;
    }

    private void Flush()
    {
        if (_statement is not null)
        {
            add(_statement.ToString());
            _statement = null;
            _rows = 0;
        }
    }

    private static string Row(ReadOnlySpan<object?> values)
    {
        var row = new StringBuilder("(");
        for (var i = 0; i < values.Length; i++)
        {
            row.Append(i == 0 ? "" : ", ").Append(Constant(values[i]));
        }

        return row.Append(')').ToString();
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
