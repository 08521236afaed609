using System.Globalization;
using Strata.Reports;
using Strata.Reports.Definitions;
using Strata.Reports.Writers;

namespace Strata.Host.Web;

/// <summary>
/// A report as its dashboard page draws it (<c>/api/reports/{name}</c>): the cells as people read them, the chart's
/// series as <see cref="ChartData"/> forms them for the HTML and XLSX files, and the parameters with their values.
/// </summary>
public sealed record ReportView(
    string Name,
    string Title,
    string? Description,
    string AsOf,
    string? AsOfLsn,
    DateTime? AsOfCommitTime,
    DateTime GeneratedAt,
    IReadOnlyList<ReportParameterView> Parameters,
    IReadOnlyList<ReportColumn> Columns,
    IReadOnlyList<string[]> Rows,
    ReportChartView? Chart)
{
    internal static ReportView From(ReportResult result)
    {
        var report = result.Report;
        return new ReportView(
            report.Name,
            report.Title,
            report.Description,
            result.AsOfText,
            result.AsOfLsn,
            result.AsOfCommitTime is { } time ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : null,
            DateTime.SpecifyKind(result.GeneratedAt, DateTimeKind.Utc),
            report.Parameters.Select(p => new ReportParameterView(p.Name, p.Type, p.Default, p.Allowed,
                result.Parameters.TryGetValue(p.Name, out var value) && value is not null ? Text(value) : null)).ToList(),
            result.Columns.Select(result.Column).ToList(),
            result.Rows.Select(r => Enumerable.Range(0, r.Length).Select(i => result.Display(r, i)).ToArray()).ToList(),
            report.Chart is { } chart ? ReportChartView.From(result, chart) : null);
    }

    /// <summary>A parameter's value as the query string carries it.</summary>
    private static string Text(object value) => value switch
    {
        DateTime d => d.ToString(d.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>A parameter, what it may be, and the value this run used.</summary>
/// <param name="Name">Its name (the query key).</param>
/// <param name="Type"><c>string</c>, <c>integer</c>, <c>decimal</c>, <c>date</c> or <c>boolean</c>.</param>
/// <param name="Default">Its default, or null.</param>
/// <param name="Allowed">The values it may take, when restricted.</param>
/// <param name="Value">The value used, as text; null when none was given and there is no default.</param>
public sealed record ReportParameterView(string Name, string Type, string? Default, IReadOnlyList<string>? Allowed, string? Value);

/// <summary>The chart: its kind, axis labels and series.</summary>
/// <param name="Type"><c>bar</c> or <c>line</c>.</param>
/// <param name="XLabel">The x column's label.</param>
/// <param name="YLabel">The y column's label.</param>
/// <param name="Categories">The x values, in order.</param>
/// <param name="Series">One per series, values aligned with <paramref name="Categories"/>.</param>
public sealed record ReportChartView(string Type, string XLabel, string YLabel, IReadOnlyList<string> Categories, IReadOnlyList<ReportSeries> Series)
{
    internal static ReportChartView From(ReportResult result, ReportChart chart)
    {
        var data = ChartData.From(result, chart);
        return new ReportChartView(chart.Type, result.Column(chart.X).Label, result.Column(chart.Y).Label, data.Categories,
            data.Names.Select((name, i) => new ReportSeries(name, data.Values[i])).ToList());
    }
}

/// <summary>One series of a chart.</summary>
/// <param name="Name">Its name (legend).</param>
/// <param name="Values">One value per category; null where it has none.</param>
public sealed record ReportSeries(string Name, IReadOnlyList<decimal?> Values);
