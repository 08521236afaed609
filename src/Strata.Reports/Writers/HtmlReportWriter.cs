using System.Net;
using System.Text;

namespace Strata.Reports.Writers;

/// <summary>One self-contained HTML file: inline CSS, the title and as-of line, the chart as inline SVG, and the table. Opens offline.</summary>
internal sealed class HtmlReportWriter : IReportWriter
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#111827}
        h1{font-size:1.4rem;margin:0}.as-of{color:#6b7280;margin:.25rem 0 1rem}
        .chart{max-width:880px;width:100%;height:auto;margin:1rem 0}
        table{border-collapse:collapse;font-size:.9rem}th,td{padding:.3rem .7rem;border-bottom:1px solid #e5e7eb}
        th{background:#f3f4f6;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
        """;

    public string Extension => "html";

    public async Task WriteAsync(ReportResult result, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
        await writer.WriteAsync(Render(result).AsMemory(), cancellationToken);
    }

    /// <summary>The page (also the body of e-mails).</summary>
    public static string Render(ReportResult result, int? maxRows = null)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(result.Report.Title)).Append("</title><style>")
            .Append(Style).Append("</style></head><body>");
        html.Append("<h1>").Append(E(result.Report.Title)).Append("</h1><p class=\"as-of\">").Append(E(result.AsOfText)).Append("</p>");
        if (result.Report.Description is { } description)
        {
            html.Append("<p>").Append(E(description)).Append("</p>");
        }

        if (result.Report.Chart is { } chart && result.Rows.Count > 0)
        {
            html.Append(SvgChart.Render(ChartData.From(result, chart), chart.Type, result.Column(chart.Y).Label));
        }

        html.Append("<table><thead><tr>");
        foreach (var column in result.Columns)
        {
            html.Append("<th>").Append(E(result.Column(column).Label)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var row in result.Rows.Take(maxRows ?? int.MaxValue))
        {
            html.Append("<tr>");
            for (var c = 0; c < row.Length; c++)
            {
                var column = result.Column(result.Columns[c]);
                var numeric = CellText.Number(row[c]) is not null;
                html.Append(numeric ? "<td class=\"n\">" : "<td>").Append(E(CellText.Display(row[c], column))).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</tbody></table>");
        if (maxRows is { } shown && result.Rows.Count > shown)
        {
            html.Append("<p class=\"as-of\">").Append(shown).Append(" of ").Append(result.Rows.Count).Append(" rows shown; all are attached.</p>");
        }

        return html.Append("</body></html>").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
