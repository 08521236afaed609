using System.Globalization;
using Strata.Transform.Templating.Jinja;
using Strata.Warehouse;

namespace Strata.Transform.Templating;

/// <summary>
/// dbt's <c>run_query(sql)</c>: the rows as a table a template reads the way dbt projects read agate's —
/// <c>results.rows[0][1]</c>, <c>results.columns[0].values()</c>, <c>results.columns[0].name</c>,
/// <c>results.column_names</c>. While a project is only loaded (no warehouse: dbt's parse phase, <c>execute</c>
/// false) it returns none, as dbt does; guard with <c>{% if execute %}</c>.
/// </summary>
internal static class QueryTable
{
    /// <summary>Most rows a template may fetch: a template that reads more is building SQL from data it should join.</summary>
    private const int MaxRows = 10_000;

    public static object? Run(IWarehouse? warehouse, string sql)
    {
        if (warehouse is null)
        {
            return null;
        }

        QueryResult result;
        try
        {
            // Templates render synchronously; the query runs on the warehouse's reading connection, so blocking on
            // it cannot wait on the build's own transaction.
            result = warehouse.QueryAsync($"SELECT * FROM ({sql.Trim().TrimEnd(';')}) AS run_query LIMIT {MaxRows + 1}").GetAwaiter().GetResult();
        }
        catch (WarehouseException ex)
        {
            throw new TemplateError($"run_query() failed in the warehouse: {ex.Message}");
        }

        if (result.Count > MaxRows)
        {
            throw new TemplateError($"run_query() returned more than {MaxRows} rows; templates should not build SQL from that much data");
        }

        var rows = result.Select(row => (object?)row.Select(Value).ToList()).ToList();
        var columns = result.Columns.Select((name, index) => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = name,
            ["values"] = new BuiltinFunction("values", _ => result.Select(row => Value(row[index])).ToList()),
        }).ToList();
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["rows"] = rows,
            ["columns"] = columns,
            ["column_names"] = result.Columns.Select(c => (object?)c).ToList(),
        };
    }

    /// <summary>A value as templates hold them: whole numbers as integers, times as ISO text, the rest as Jinja values.</summary>
    private static object? Value(object? value) => value switch
    {
        DBNull => null,
        decimal d when d == decimal.Truncate(d) && d is >= long.MinValue and <= long.MaxValue => (long)d,
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => Values.FromClr(value),
    };
}
