using DuckDB.NET.Data;

namespace Strata.Warehouse.DuckDb;

/// <summary>Rows through DuckDB's appender, which takes part in the connection's open transaction.</summary>
internal sealed class DuckDbAppender(DuckDBAppender appender, DuckDbStatementRows statementRows, string schema, string table, IReadOnlyList<WarehouseColumn> columns) : IBulkAppender
{
    public void Append(ReadOnlySpan<object?> values)
    {
        if (NeedsStatement(values))
        {
            var copy = values.ToArray();
            for (var i = 0; i < copy.Length; i++)
            {
                if (copy[i] is decimal v)
                {
                    copy[i] = IsText(i) ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : Fit(v, i);
                }
            }

            statementRows.Add(copy);
            return;
        }

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
                decimal v when IsText(i) =>
                    row.AppendValue(v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                decimal v => row.AppendValue(Fit(v, i)),
                string v => row.AppendValue(v),
                DateOnly v => row.AppendValue(v),
                TimeOnly v => row.AppendValue(v),
                // TIME values travel as TimeSpan, which holds 24:00:00; DuckDB's TIME does too.
                TimeSpan v when columns[i].Type.Kind == WarehouseTypeKind.Time => row.AppendValue(DuckDbValues.Time(v)),
                Infinite v => row.AppendValue(DuckDbValues.Date(v)),
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
        return statementRows.InsertAsync(cancellationToken);
    }

    private bool IsText(int column) =>
        columns[column].Type.Kind != WarehouseTypeKind.Decimal || columns[column].Type.Precision > DuckDbWarehouse.MaxDecimalPrecision;

    /// <summary>An infinite timestamp: the appender has no way to write one (a DATE's infinity it takes).</summary>
    private bool NeedsStatement(ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is Infinite && columns[i].Type.Kind != WarehouseTypeKind.Date)
            {
                return true;
            }
        }

        return false;
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
