using ClosedXML.Excel;

using Strata.Reports.Definitions;

namespace Strata.Reports.Writers;

/// <summary>
/// An Excel workbook: the title and the as-of line, then a bold frozen header and typed cells with number formats
/// and fitted widths; with a chart, a second sheet holds its data (x by series).
/// </summary>
internal sealed class XlsxReportWriter : IReportWriter
{
    private const int HeaderRow = 4;

    public string Extension => "xlsx";

    public Task WriteAsync(ReportResult result, Stream output, CancellationToken cancellationToken)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add(SheetName(result.Report.Name));
        sheet.Cell(1, 1).Value = result.Report.Title;
        sheet.Cell(1, 1).Style.Font.Bold = true;
        sheet.Cell(1, 1).Style.Font.FontSize = 14;
        sheet.Cell(2, 1).Value = result.AsOfText;
        sheet.Cell(2, 1).Style.Font.Italic = true;
        for (var c = 0; c < result.Columns.Count; c++)
        {
            var header = sheet.Cell(HeaderRow, c + 1);
            header.Value = result.Column(result.Columns[c]).Label;
            header.Style.Font.Bold = true;
        }

        for (var r = 0; r < result.Rows.Count; r++)
        {
            for (var c = 0; c < result.Columns.Count; c++)
            {
                Set(sheet.Cell(HeaderRow + 1 + r, c + 1), result.Rows[r][c], result.Column(result.Columns[c]));
            }
        }

        sheet.SheetView.FreezeRows(HeaderRow);
        FitColumns(sheet, result);
        if (result.Report.Chart is { } chart)
        {
            WriteChartData(workbook.Worksheets.Add("chart data"), result, chart);
        }

        workbook.SaveAs(output);
        return Task.CompletedTask;
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

    private static void WriteChartData(IXLWorksheet sheet, ReportResult result, ReportChart chart)
    {
        var series = ChartData.From(result, chart);
        sheet.Cell(1, 1).Value = result.Column(chart.X).Label;
        for (var s = 0; s < series.Names.Count; s++)
        {
            sheet.Cell(1, s + 2).Value = series.Names[s];
        }

        sheet.Row(1).Style.Font.Bold = true;
        for (var x = 0; x < series.Categories.Count; x++)
        {
            sheet.Cell(x + 2, 1).SetValue(series.Categories[x]);
            for (var s = 0; s < series.Names.Count; s++)
            {
                if (series.Values[s][x] is { } value)
                {
                    sheet.Cell(x + 2, s + 2).Value = value;
                }
            }
        }

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
