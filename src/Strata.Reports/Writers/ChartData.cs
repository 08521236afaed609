using System.Globalization;

using Strata.Reports.Definitions;

namespace Strata.Reports.Writers;

/// <summary>A report's rows arranged for its chart: categories along x (as shown and as queried), one value list per series.</summary>
internal sealed record ChartData(IReadOnlyList<string> Categories, IReadOnlyList<object?> XValues, IReadOnlyList<string> Names, IReadOnlyList<decimal?[]> Values)
{
    public static ChartData From(ReportResult result, ReportChart chart)
    {
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
