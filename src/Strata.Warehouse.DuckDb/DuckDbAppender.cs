using DuckDB.NET.Data;

namespace Strata.Warehouse.DuckDb;

/// <summary>Rows through DuckDB's appender, which takes part in the connection's open transaction.</summary>
internal sealed class DuckDbAppender(DuckDBAppender appender, string schema, string table, IReadOnlyList<WarehouseColumn> columns) : IBulkAppender
{
    public void Append(ReadOnlySpan<object?> values)
    {
        var row = appender.CreateRow();
        for (var i = 0; i < values.Length; i++)
        {
            row = values[i] switch
            {
                null => row.AppendNullValue(),
                bool v => row.AppendValue(v),
                short v => row.AppendValue(v),
                int v => row.AppendValue(v),
                long v => row.AppendValue(v),
                float v => row.AppendValue(v),
                double v => row.AppendValue(v),
                // Wider than DuckDB's 38 digits the column is VARCHAR: the value's exact text.
                decimal v when columns[i].Type.Kind != WarehouseTypeKind.Decimal || columns[i].Type.Precision > DuckDbWarehouse.MaxDecimalPrecision =>
                    row.AppendValue(v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                decimal v => row.AppendValue(Fit(v, i)),
                string v => row.AppendValue(v),
                DateOnly v => row.AppendValue(v),
                TimeOnly v => row.AppendValue(v),
                DateTime v => row.AppendValue(v),
                DateTimeOffset v => row.AppendValue(v),
                Guid v => row.AppendValue(v),
                byte[] v => row.AppendValue(v),
                var other => row.AppendValue(Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture)),
            };
        }

        row.EndRow();
    }

    public Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        appender.Close();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        appender.Dispose();
        return ValueTask.CompletedTask;
    }

    private decimal Fit(decimal value, int column)
    {
        // DuckDB would round a value with more fractional digits than the column's scale: refuse instead.
        var type = columns[column].Type;
        var scale = type.Scale ?? DuckDbWarehouse.UnconstrainedDecimal.Scale!.Value;
        var precision = type.Precision ?? DuckDbWarehouse.UnconstrainedDecimal.Precision!.Value;
        var integerDigits = decimal.Truncate(decimal.Abs(value)).ToString(System.Globalization.CultureInfo.InvariantCulture).TrimStart('0').Length;
        if (decimal.Round(value, scale) != value || integerDigits > precision - scale)
        {
            throw new WarehouseException(
                $"value {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} of {schema}.{table}.{columns[column].Name} does not fit DECIMAL({precision},{scale}) " +
                "exactly; nothing was written — use the PostgreSQL warehouse or constrain the source column's precision");
        }

        return value;
    }
}
