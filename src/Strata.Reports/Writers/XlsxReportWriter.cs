using System.Globalization;

using ClosedXML.Excel;

using Strata.Reports.Definitions;

namespace Strata.Reports.Writers;

/// <summary>
/// An Excel workbook: the title and the as-of line, then the rows as a table (autofilter, bold frozen header) of typed
/// cells with number formats and fitted widths; with a chart, a second sheet holds its data (x by series) and a native
/// Excel chart drawn from it.
/// </summary>
internal sealed class XlsxReportWriter : IReportWriter
{
    private const int HeaderRow = 4;
    private const string ChartSheet = "chart data";

    public string Extension => "xlsx";

    public async Task WriteAsync(ReportResult result, Stream output, CancellationToken cancellationToken)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add(SheetName(result.Report.Name));
        sheet.Cell(1, 1).Value = result.Report.Title;
        sheet.Cell(1, 1).Style.Font.Bold = true;
        sheet.Cell(1, 1).Style.Font.FontSize = 14;
        sheet.Cell(2, 1).Value = result.AsOfText;
        sheet.Cell(2, 1).Style.Font.Italic = true;
        var headers = Headers(result);
        for (var c = 0; c < headers.Count; c++)
        {
            var header = sheet.Cell(HeaderRow, c + 1);
            header.SetValue(headers[c]);
            header.Style.Font.Bold = true;
        }

        for (var r = 0; r < result.Rows.Count; r++)
        {
            for (var c = 0; c < result.Columns.Count; c++)
            {
                Set(sheet.Cell(HeaderRow + 1 + r, c + 1), result.Rows[r][c], result.Column(result.Columns[c]));
            }
        }

        if (result.Columns.Count > 0)
        {
            // A table needs a data row: an empty report gets one empty row under its header.
            var table = sheet.Range(HeaderRow, 1, HeaderRow + Math.Max(1, result.Rows.Count), result.Columns.Count).CreateTable("report");
            table.Theme = XLTableTheme.TableStyleLight1;
        }

        sheet.SheetView.FreezeRows(HeaderRow);
        FitColumns(sheet, result);
        var chart = result.Report.Chart is { } definition ? WriteChartData(workbook.Worksheets.Add(ChartSheet), result, definition) : null;
        if (chart is null)
        {
            workbook.SaveAs(output);
            return;
        }

        using var package = new MemoryStream();
        workbook.SaveAs(package);
        XlsxChart.Add(package, chart);
        package.Position = 0;
        await package.CopyToAsync(output, cancellationToken);
    }

    private static void Set(IXLCell cell, object? value, ReportColumn column)
    {
        switch (value)
        {
            case null:
                return;
            case DateTime d:
                cell.Value = d;
                cell.Style.DateFormat.Format = column.Format == "datetime" || d.TimeOfDay != TimeSpan.Zero ? "yyyy-mm-dd hh:mm:ss" : "yyyy-mm-dd";
                return;
            case DateOnly d:
                cell.Value = d.ToDateTime(TimeOnly.MinValue);
                cell.Style.DateFormat.Format = "yyyy-mm-dd";
                return;
            case bool b:
                cell.Value = b;
                return;
            case string s:
                // Text stays text: Excel must not turn "0012" or "1e5" into numbers.
                cell.SetValue(s);
                cell.DataType = XLDataType.Text;
                return;
        }

        if (CellText.Number(value) is { } wide && (decimal)(double)wide != wide)
        {
            // Excel keeps 15 significant digits: a number it would round is written as exact text instead.
            cell.SetValue(CellText.Machine(value));
            cell.DataType = XLDataType.Text;
            cell.Style.Alignment.Horizontal = XLAlignmentHorizontalValues.Right;
            return;
        }

        if (CellText.Number(value) is { } number)
        {
            cell.Value = number;
            cell.Style.NumberFormat.Format = column.Format switch
            {
                "percent" => "0." + new string('0', Math.Max(0, column.Decimals)) + "%",
                "decimal" => "#,##0." + new string('0', Math.Max(1, column.Decimals)),
                "integer" => "#,##0",
                _ => "General",
            };
            return;
        }

        cell.SetValue(value.ToString());
    }

    /// <summary>Writes x by series and returns the chart over it (null without categories: nothing to draw).</summary>
    private static XlsxChartSpec? WriteChartData(IXLWorksheet sheet, ReportResult result, ReportChart chart)
    {
        var data = ChartData.From(result, chart);
        var xColumn = result.Column(chart.X);
        sheet.Cell(1, 1).Value = xColumn.Label;
        for (var s = 0; s < data.Names.Count; s++)
        {
            sheet.Cell(1, s + 2).Value = data.Names[s];
        }

        sheet.Row(1).Style.Font.Bold = true;
        for (var x = 0; x < data.Categories.Count; x++)
        {
            // Typed as on the report's sheet: dates stay dates, so Excel sorts and filters them as dates.
            Set(sheet.Cell(x + 2, 1), data.XValues[x], xColumn);
            for (var s = 0; s < data.Names.Count; s++)
            {
                if (data.Values[s][x] is { } value)
                {
                    sheet.Cell(x + 2, s + 2).Value = value;
                }
            }
        }

        sheet.Column(1).Width = Math.Clamp(data.Categories.Append(xColumn.Label).Max(c => c.Length) + 2, 8, 60);
        for (var s = 0; s < data.Names.Count; s++)
        {
            sheet.Column(s + 2).Width = Math.Clamp(data.Names[s].Length + 2, 8, 60);
        }

        if (data.Categories.Count == 0)
        {
            return null;
        }

        var xCells = Enumerable.Range(2, data.Categories.Count).Select(r => sheet.Cell(r, 1)).ToList();
        var numeric = xCells.All(c => c.IsEmpty() || c.DataType is XLDataType.DateTime or XLDataType.Number);
        var first = xCells.FirstOrDefault(c => !c.IsEmpty());
        var format = !numeric || first is null ? "" : first.DataType == XLDataType.DateTime ? first.Style.DateFormat.Format : first.Style.NumberFormat.Format;
        var numbers = numeric
            ? xCells.Select(c => c.IsEmpty() ? (double?)null : c.DataType == XLDataType.DateTime ? c.GetDateTime().ToOADate() : c.GetDouble()).ToList()
            : null;
        return new XlsxChartSpec(ChartSheet, chart.Type, result.Report.Title, xColumn.Label, result.Column(chart.Y).Label, data, numbers, format.Length == 0 ? "General" : format);
    }

    /// <summary>The column labels, made non-empty and unique (ignoring case) as a table's header must be: "Open orders", "Open orders 2".</summary>
    private static List<string> Headers(ReportResult result)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var headers = new List<string>();
        foreach (var name in result.Columns)
        {
            var label = result.Column(name).Label is { Length: > 0 } given ? given : name;
            var unique = label;
            for (var n = 2; !seen.Add(unique); n++)
            {
                unique = string.Create(CultureInfo.InvariantCulture, $"{label} {n}");
            }

            headers.Add(unique);
        }

        return headers;
    }

    /// <summary>Widths from the text lengths (ClosedXML's own fitting measures fonts through System.Drawing, absent on Linux servers).</summary>
    private static void FitColumns(IXLWorksheet sheet, ReportResult result)
    {
        for (var c = 0; c < result.Columns.Count; c++)
        {
            var column = result.Column(result.Columns[c]);
            var widest = result.Rows.Take(1000).Select(r => CellText.Display(r[c], column).Length).Append(column.Label.Length).Max();
            sheet.Column(c + 1).Width = Math.Clamp(widest + 2, 8, 60);
        }
    }

    private static string SheetName(string name) => name.Length <= 31 ? name : name[..31];
}
