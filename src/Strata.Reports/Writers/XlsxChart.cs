using System.Globalization;

using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

using A = DocumentFormat.OpenXml.Drawing;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace Strata.Reports.Writers;

/// <summary>A chart over a sheet laid out as x by series: headers in row 1, x from A2 down, one series per column from B on.</summary>
/// <param name="Sheet">The sheet that holds the data and gets the chart.</param>
/// <param name="Type"><c>bar</c> or <c>line</c>.</param>
/// <param name="Title">Chart title.</param>
/// <param name="XTitle">Category axis title.</param>
/// <param name="YTitle">Value axis title.</param>
/// <param name="Data">The values, also cached in the chart.</param>
/// <param name="XNumbers">The x cells as numbers (dates as serial days) when they are numeric on the sheet; null when they are text.</param>
/// <param name="XFormat">The x cells' number format.</param>
internal sealed record XlsxChartSpec(string Sheet, string Type, string Title, string XTitle, string YTitle, ChartData Data, IReadOnlyList<double?>? XNumbers, string XFormat);

/// <summary>
/// Adds a native Excel chart to a saved workbook with the Open XML SDK (ClosedXML has no chart API). The series refer
/// to the sheet's cells and carry a cache of their values, so viewers that do not recalculate still draw them.
/// </summary>
internal static class XlsxChart
{
    private const uint CategoryAxisId = 1;
    private const uint ValueAxisId = 2;

    public static void Add(Stream workbook, XlsxChartSpec spec)
    {
        using var document = SpreadsheetDocument.Open(workbook, isEditable: true);
        var workbookPart = document.WorkbookPart!;
        var sheet = workbookPart.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == spec.Sheet);
        var worksheetPart = (WorksheetPart)workbookPart.GetPartById(sheet.Id!);
        var drawingsPart = worksheetPart.AddNewPart<DrawingsPart>();
        var chartPart = drawingsPart.AddNewPart<ChartPart>();
        chartPart.ChartSpace = ChartSpace(spec);
        // Beside the data: one empty column after the last series, from the top.
        drawingsPart.WorksheetDrawing = new Xdr.WorksheetDrawing(Anchor(spec.Data.Names.Count + 2, drawingsPart.GetIdOfPart(chartPart)));
        Attach(worksheetPart.Worksheet, new Drawing { Id = worksheetPart.GetIdOfPart(drawingsPart) });
    }

    private static C.ChartSpace ChartSpace(XlsxChartSpec spec)
    {
        OpenXmlCompositeElement plot = spec.Type == "line"
            ? new C.LineChart(new C.Grouping { Val = C.GroupingValues.Standard }, new C.VaryColors { Val = false })
            : new C.BarChart(new C.BarDirection { Val = C.BarDirectionValues.Column }, new C.BarGrouping { Val = C.BarGroupingValues.Clustered }, new C.VaryColors { Val = false });
        for (var s = 0; s < spec.Data.Names.Count; s++)
        {
            plot.Append(Series(spec, s));
        }

        if (spec.Type == "line")
        {
            plot.Append(new C.ShowMarker { Val = true });
        }
        else
        {
            plot.Append(new C.GapWidth { Val = 150 });
        }

        plot.Append(new C.AxisId { Val = CategoryAxisId }, new C.AxisId { Val = ValueAxisId });
        var chart = new C.Chart(
            Title(spec.Title, vertical: false, size: 1400),
            new C.AutoTitleDeleted { Val = false },
            new C.PlotArea(new C.Layout(), plot, CategoryAxis(spec), ValueAxis(spec)));
        if (spec.Data.Names.Count > 1)
        {
            chart.Append(new C.Legend(new C.LegendPosition { Val = C.LegendPositionValues.Bottom }, new C.Overlay { Val = false }));
        }

        chart.Append(new C.PlotVisibleOnly { Val = true }, new C.DisplayBlanksAs { Val = C.DisplayBlanksAsValues.Gap });
        var space = new C.ChartSpace(new C.Date1904 { Val = false }, new C.RoundedCorners { Val = false }, chart);
        space.AddNamespaceDeclaration("c", "http://schemas.openxmlformats.org/drawingml/2006/chart");
        space.AddNamespaceDeclaration("a", "http://schemas.openxmlformats.org/drawingml/2006/main");
        space.AddNamespaceDeclaration("r", "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
        return space;
    }

    private static OpenXmlCompositeElement Series(XlsxChartSpec spec, int s)
    {
        var colour = new A.SolidFill(new A.RgbColorModelHex { Val = SvgChart.Palette[s % SvgChart.Palette.Length].TrimStart('#').ToUpperInvariant() });
        var column = ColumnName(s + 2);
        var name = new C.SeriesText(new C.StringReference(
            new C.Formula(Reference(spec.Sheet, column, 1, 1)),
            new C.StringCache(new C.PointCount { Val = 1 }, new C.StringPoint(new C.NumericValue(spec.Data.Names[s])) { Index = 0 })));
        var values = new C.Values(new C.NumberReference(new C.Formula(Reference(spec.Sheet, column, 2, spec.Data.Categories.Count + 1)), NumberCache("General", spec.Data.Values[s].Select(v => (double?)v).ToList())));
        return spec.Type == "line"
            ? new C.LineChartSeries(
                new C.Index { Val = (uint)s }, new C.Order { Val = (uint)s }, name,
                new C.ChartShapeProperties(new A.Outline(colour) { Width = 28575 }),
                new C.Marker(new C.Symbol { Val = C.MarkerStyleValues.Circle }, new C.Size { Val = 5 }),
                Categories(spec), values, new C.Smooth { Val = false })
            : new C.BarChartSeries(
                new C.Index { Val = (uint)s }, new C.Order { Val = (uint)s }, name,
                new C.ChartShapeProperties(colour),
                new C.InvertIfNegative { Val = false },
                Categories(spec), values);
    }

    private static C.CategoryAxisData Categories(XlsxChartSpec spec)
    {
        var formula = new C.Formula(Reference(spec.Sheet, "A", 2, spec.Data.Categories.Count + 1));
        if (spec.XNumbers is { } numbers)
        {
            return new C.CategoryAxisData(new C.NumberReference(formula, NumberCache(spec.XFormat, numbers)));
        }

        var cache = new C.StringCache(new C.PointCount { Val = (uint)spec.Data.Categories.Count });
        for (var i = 0; i < spec.Data.Categories.Count; i++)
        {
            cache.Append(new C.StringPoint(new C.NumericValue(spec.Data.Categories[i])) { Index = (uint)i });
        }

        return new C.CategoryAxisData(new C.StringReference(formula, cache));
    }

    private static C.NumberingCache NumberCache(string format, IReadOnlyList<double?> values)
    {
        var cache = new C.NumberingCache(new C.FormatCode(format), new C.PointCount { Val = (uint)values.Count });
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } value)
            {
                cache.Append(new C.NumericPoint(new C.NumericValue(value.ToString("R", CultureInfo.InvariantCulture))) { Index = (uint)i });
            }
        }

        return cache;
    }

    private static C.CategoryAxis CategoryAxis(XlsxChartSpec spec) => new(
        new C.AxisId { Val = CategoryAxisId },
        new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }),
        new C.Delete { Val = false },
        new C.AxisPosition { Val = C.AxisPositionValues.Bottom },
        Title(spec.XTitle, vertical: false),
        new C.NumberingFormat { FormatCode = spec.XFormat, SourceLinked = true },
        new C.MajorTickMark { Val = C.TickMarkValues.Outside },
        new C.MinorTickMark { Val = C.TickMarkValues.None },
        new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo },
        new C.CrossingAxis { Val = ValueAxisId },
        new C.Crosses { Val = C.CrossesValues.AutoZero },
        // Not a date axis: each date is one category, as in the table, without gaps for the days between.
        new C.AutoLabeled { Val = false },
        new C.LabelAlignment { Val = C.LabelAlignmentValues.Center },
        new C.LabelOffset { Val = 100 },
        new C.NoMultiLevelLabels { Val = false });

    private static C.ValueAxis ValueAxis(XlsxChartSpec spec) => new(
        new C.AxisId { Val = ValueAxisId },
        new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }),
        new C.Delete { Val = false },
        new C.AxisPosition { Val = C.AxisPositionValues.Left },
        new C.MajorGridlines(),
        Title(spec.YTitle, vertical: true),
        new C.NumberingFormat { FormatCode = "General", SourceLinked = true },
        new C.MajorTickMark { Val = C.TickMarkValues.Outside },
        new C.MinorTickMark { Val = C.TickMarkValues.None },
        new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo },
        new C.CrossingAxis { Val = CategoryAxisId },
        new C.Crosses { Val = C.CrossesValues.AutoZero },
        new C.CrossBetween { Val = C.CrossBetweenValues.Between });

    /// <summary>A title in bold at <paramref name="size"/> hundredths of a point.</summary>
    private static C.Title Title(string text, bool vertical, int size = 1000)
    {
        var body = vertical ? new A.BodyProperties { Rotation = -5400000, Vertical = A.TextVerticalValues.Horizontal } : new A.BodyProperties();
        var run = new A.Run(new A.RunProperties { Language = "en-US", FontSize = size, Bold = true }, new A.Text(text));
        return new C.Title(
            new C.ChartText(new C.RichText(body, new A.ListStyle(), new A.Paragraph(run))),
            new C.Overlay { Val = false });
    }

    private static Xdr.TwoCellAnchor Anchor(int column, string chartId) => new(
        Marker(new Xdr.FromMarker(), column, 1),
        Marker(new Xdr.ToMarker(), column + 10, 22),
        new Xdr.GraphicFrame(
            new Xdr.NonVisualGraphicFrameProperties(new Xdr.NonVisualDrawingProperties { Id = 2, Name = "Chart 1" }, new Xdr.NonVisualGraphicFrameDrawingProperties()),
            new Xdr.Transform(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = 0, Cy = 0 }),
            new A.Graphic(new A.GraphicData(new C.ChartReference { Id = chartId }) { Uri = "http://schemas.openxmlformats.org/drawingml/2006/chart" }))
        { Macro = "" },
        new Xdr.ClientData());

    private static T Marker<T>(T marker, int column, int row)
        where T : OpenXmlCompositeElement
    {
        marker.Append(
            new Xdr.ColumnId(column.ToString(CultureInfo.InvariantCulture)), new Xdr.ColumnOffset("0"),
            new Xdr.RowId(row.ToString(CultureInfo.InvariantCulture)), new Xdr.RowOffset("0"));
        return marker;
    }

    /// <summary>The drawing reference goes before the elements the schema puts after it (ClosedXML may have written some).</summary>
    private static void Attach(Worksheet worksheet, Drawing drawing)
    {
        var after = worksheet.ChildElements.FirstOrDefault(e => e is LegacyDrawing or LegacyDrawingHeaderFooter or DrawingHeaderFooter or Picture
            or OleObjects or Controls or WebPublishItems or TableParts or WorksheetExtensionList);
        if (after is null)
        {
            worksheet.Append(drawing);
        }
        else
        {
            worksheet.InsertBefore(drawing, after);
        }
    }

    private static string Reference(string sheet, string column, int firstRow, int lastRow)
    {
        var quoted = "'" + sheet.Replace("'", "''", StringComparison.Ordinal) + "'!";
        var first = string.Create(CultureInfo.InvariantCulture, $"{quoted}${column}${firstRow}");
        return firstRow == lastRow ? first : string.Create(CultureInfo.InvariantCulture, $"{first}:${column}${lastRow}");
    }

    private static string ColumnName(int number)
    {
        var name = "";
        for (; number > 0; number = (number - 1) / 26)
        {
            name = (char)('A' + ((number - 1) % 26)) + name;
        }

        return name;
    }
}
