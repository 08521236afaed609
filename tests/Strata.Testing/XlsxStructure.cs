using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;

using A = DocumentFormat.OpenXml.Drawing;
using C = DocumentFormat.OpenXml.Drawing.Charts;

namespace Strata.Testing;

/// <summary>What an XLSX file holds beyond its cells, read with the Open XML SDK: schema errors, charts and tables.</summary>
/// <param name="Errors">The validator's errors (description and path), none for a valid file.</param>
/// <param name="Charts">The charts, with the sheet each is drawn on.</param>
/// <param name="Tables">The tables, with their sheet and range.</param>
public sealed record XlsxStructure(IReadOnlyList<string> Errors, IReadOnlyList<XlsxFileChart> Charts, IReadOnlyList<XlsxFileTable> Tables)
{
    /// <summary>Reads <paramref name="file"/>.</summary>
    public static XlsxStructure Read(string file)
    {
        using var document = SpreadsheetDocument.Open(file, isEditable: false);
        var errors = new OpenXmlValidator().Validate(document).Select(e => $"{e.Description} ({e.Path?.XPath})").ToList();
        var charts = new List<XlsxFileChart>();
        var tables = new List<XlsxFileTable>();
        var workbook = document.WorkbookPart!;
        foreach (var sheet in workbook.Workbook.Sheets!.Elements<Sheet>())
        {
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
            tables.AddRange(part.TableDefinitionParts.Select(t => new XlsxFileTable(sheet.Name!, t.Table.Reference!, t.Table.AutoFilter?.Reference?.Value)));
            foreach (var chart in part.DrawingsPart?.ChartParts ?? [])
            {
                charts.Add(Chart(sheet.Name!, chart.ChartSpace.GetFirstChild<C.Chart>()!));
            }
        }

        return new XlsxStructure(errors, charts, tables);
    }

    private static XlsxFileChart Chart(string sheet, C.Chart chart)
    {
        var plot = chart.PlotArea!;
        var kind = plot.GetFirstChild<C.BarChart>() is not null ? "bar" : plot.GetFirstChild<C.LineChart>() is not null ? "line" : "other";
        var series = plot.Descendants<C.BarChartSeries>().Cast<DocumentFormat.OpenXml.OpenXmlCompositeElement>().Concat(plot.Descendants<C.LineChartSeries>())
            .Select(s => new XlsxFileSeries(
                s.GetFirstChild<C.SeriesText>()?.Descendants<C.Formula>().FirstOrDefault()?.Text,
                s.GetFirstChild<C.SeriesText>()?.Descendants<C.NumericValue>().FirstOrDefault()?.Text,
                s.GetFirstChild<C.CategoryAxisData>()?.Descendants<C.Formula>().FirstOrDefault()?.Text,
                s.GetFirstChild<C.Values>()?.Descendants<C.Formula>().FirstOrDefault()?.Text,
                s.GetFirstChild<C.Values>()?.Descendants<C.PointCount>().FirstOrDefault()?.Val?.Value ?? 0))
            .ToList();
        return new XlsxFileChart(sheet, kind, Text(chart.Title), Text(plot.GetFirstChild<C.CategoryAxis>()?.GetFirstChild<C.Title>()),
            Text(plot.GetFirstChild<C.ValueAxis>()?.GetFirstChild<C.Title>()), series);
    }

    private static string? Text(C.Title? title) => title is null ? null : string.Concat(title.Descendants<A.Text>().Select(t => t.Text));
}

/// <summary>A chart.</summary>
/// <param name="Sheet">The sheet it is drawn on.</param>
/// <param name="Kind"><c>bar</c>, <c>line</c> or <c>other</c>.</param>
/// <param name="Title">Chart title.</param>
/// <param name="XTitle">Category axis title.</param>
/// <param name="YTitle">Value axis title.</param>
/// <param name="Series">Its series.</param>
public sealed record XlsxFileChart(string Sheet, string Kind, string? Title, string? XTitle, string? YTitle, IReadOnlyList<XlsxFileSeries> Series);

/// <summary>A chart series: the formulas it reads and its cached name and point count.</summary>
/// <param name="NameRef">The name's cell reference.</param>
/// <param name="Name">The cached name.</param>
/// <param name="CategoriesRef">The categories' range.</param>
/// <param name="ValuesRef">The values' range.</param>
/// <param name="CachedPoints">The values cache's point count.</param>
public sealed record XlsxFileSeries(string? NameRef, string? Name, string? CategoriesRef, string? ValuesRef, uint CachedPoints);

/// <summary>A table.</summary>
/// <param name="Sheet">Its sheet.</param>
/// <param name="Reference">Its range, header included (<c>A4:C10</c>).</param>
/// <param name="AutoFilter">Its autofilter's range, null without one.</param>
public sealed record XlsxFileTable(string Sheet, string Reference, string? AutoFilter);
