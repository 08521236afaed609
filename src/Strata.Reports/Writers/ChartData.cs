using System.Globalization;

using Strata.Reports.Definitions;

namespace Strata.Reports.Writers;

/// <summary>A report's rows arranged for its chart: categories along x (as shown and as queried), one value list per series.</summary>
/// <param name="Categories">The x values as people read them (the x column's format), in the rows' order.</param>
/// <param name="XValues">The same x values as the query returned them.</param>
/// <param name="Names">The series: the values of the series column, or the y column's label when there is none.</param>
/// <param name="Values">Per series, the sum of y for each category (null where the series has no row).</param>
public sealed record ChartData(IReadOnlyList<string> Categories, IReadOnlyList<object?> XValues, IReadOnlyList<string> Names, IReadOnlyList<decimal?[]> Values)
{
    /// <summary>The rows of <paramref name="result"/> arranged for <paramref name="chart"/>; the HTML, XLSX and dashboard charts all draw these.</summary>
    /// <exception cref="Transform.TransformException">The chart names a column the query does not return.</exception>
    public static ChartData From(ReportResult result, ReportChart chart)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(chart);
        int Index(string name) => result.Columns.ToList().IndexOf(name) is var i and >= 0
            ? i
            : throw new Transform.TransformException($"{result.Report.Path}: the chart uses column {name}, which the query does not return ({string.Join(", ", result.Columns)})");
        var x = Index(chart.X);
        var y = Index(chart.Y);
        var s = chart.Series is null ? -1 : Index(chart.Series);
        var xColumn = result.Column(chart.X);
        var firsts = result.Rows.DistinctBy(r => CellText.Display(r[x], xColumn)).ToList();
        var categories = firsts.Select(r => CellText.Display(r[x], xColumn)).ToList();
        var names = s < 0 ? [result.Column(chart.Y).Label] : result.Rows.Select(r => Convert.ToString(r[s], CultureInfo.InvariantCulture) ?? "").Distinct().ToList();
        var values = names.Select(_ => new decimal?[categories.Count]).ToList();
        foreach (var row in result.Rows)
        {
            var series = s < 0 ? 0 : names.IndexOf(Convert.ToString(row[s], CultureInfo.InvariantCulture) ?? "");
            var category = categories.IndexOf(CellText.Display(row[x], xColumn));
            values[series][category] = (values[series][category] ?? 0) + (CellText.Number(row[y]) ?? 0);
        }

        return new ChartData(categories, firsts.Select(r => r[x]).ToList(), names, values);
    }
}
