using System.Globalization;
using System.Text.Json;
using ClosedXML.Excel;
using CsvHelper;
using Strata.Reports;
using Strata.Reports.Definitions;
using Strata.Reports.Writers;
using Strata.Testing;

namespace Strata.UnitTests;

/// <summary>Odd values survive every writer: commas, quotes, line breaks, unicode, nulls, large and exact numbers.</summary>
public sealed class WriterRoundTripTests : IDisposable
{
    private static readonly object?[][] Rows =
    [
        [1L, "plain", 12.5m, new DateTime(2026, 11, 27)],
        [2L, "comma, and \"quotes\"", 123456789012345.0123456789m, new DateTime(2026, 1, 2)],
        [3L, "line\nbreak\r\nand ; semicolon", -0.0001m, null],
        [4L, "ünïcödé — 数据 🚀", null, new DateTime(1999, 12, 31)],
        [9_007_199_254_740_993L, null, 0m, new DateTime(2026, 11, 27)],
        [6L, "=1+2 looks like a formula", 1m, new DateTime(2026, 11, 27)],
    ];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "strata-writer-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Csv_reads_back_exactly()
    {
        var file = await WriteAsync("csv", escapeFormulas: false);
        using var reader = CsvReader.FromFile(file, new CsvReaderOptions { HasHeader = true, AllowLineBreaksInQuotes = true }, FileOptions.None);
        var rows = new List<string?[]>();
        foreach (var _ in reader)
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        }

        Assert.Equal(Rows.Length, rows.Count);
        for (var r = 0; r < Rows.Length; r++)
        {
            Assert.Equal(Machine(Rows[r]), rows[r].Select(v => v ?? ""));
        }

        Assert.True(File.Exists(Path.ChangeExtension(file, ".meta.json")));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"x\")")]
    [InlineData("@SUM(1+1)")]
    [InlineData("+1+2")]
    [InlineData("-2+3")]
    [InlineData("\t=1")]
    [InlineData("\r=1")]
    public async Task Csv_text_that_starts_like_a_formula_is_shown_not_run(string name)
    {
        var file = await WriteAsync("csv", rows: [[1L, name, -5m, new DateTime(2026, 11, 27)]]);
        using var reader = CsvReader.FromFile(file, new CsvReaderOptions { HasHeader = true, AllowLineBreaksInQuotes = true }, FileOptions.None);
        Assert.True(reader.Read());

        Assert.Equal("'" + name, reader.GetString(1));
        Assert.Equal("-5", reader.GetString(2)); // a number is never changed
        Assert.Equal("2026-11-27", reader.GetString(3));
    }

    [Fact]
    public async Task Csv_text_that_cannot_be_a_formula_is_left_alone()
    {
        var file = await WriteAsync("csv", rows: [[1L, "Ann = Bob's cousin", 1m, new DateTime(2026, 11, 27)]]);
        using var reader = CsvReader.FromFile(file, new CsvReaderOptions { HasHeader = true }, FileOptions.None);
        Assert.True(reader.Read());
        Assert.Equal("Ann = Bob's cousin", reader.GetString(1));
    }

    [Fact]
    public async Task Xlsx_reads_back_with_typed_cells()
    {
        using var workbook = new XLWorkbook(await WriteAsync("xlsx"));
        var sheet = workbook.Worksheet(1);
        Assert.Equal("Odd values", sheet.Cell(1, 1).GetString());
        Assert.StartsWith("Data as of 2026-11-27 08:00:00 UTC (source LSN 0/16B3748)", sheet.Cell(2, 1).GetString(), StringComparison.Ordinal);
        Assert.True(sheet.Cell(4, 1).Style.Font.Bold);
        Assert.Equal(4, sheet.SheetView.SplitRow);
        for (var r = 0; r < Rows.Length; r++)
        {
            var row = sheet.Row(5 + r);
            // Numbers Excel would round (beyond 15 significant digits) are kept exactly, as text.
            Assert.Equal(Machine(Rows[r]).First(), row.Cell(1).DataType == XLDataType.Text ? row.Cell(1).GetString() : row.Cell(1).GetDouble().ToString(CultureInfo.InvariantCulture));
            // XML keeps line breaks as \n.
            Assert.Equal(((string?)Rows[r][1] ?? "").Replace("\r\n", "\n", StringComparison.Ordinal), row.Cell(2).GetString());
            Assert.Equal(Machine(Rows[r]).ElementAt(2), row.Cell(3).IsEmpty() ? "" : row.Cell(3).DataType == XLDataType.Text ? row.Cell(3).GetString() : ((decimal)row.Cell(3).GetDouble()).ToString(CultureInfo.InvariantCulture));
            Assert.Equal(Rows[r][3] is DateTime d ? d : DateTime.MinValue, row.Cell(4).IsEmpty() ? DateTime.MinValue : row.Cell(4).GetDateTime());
        }

        Assert.Equal("#,##0.00", sheet.Cell(5, 3).Style.NumberFormat.Format);
        Assert.Equal(XLDataType.Text, sheet.Cell(10, 2).DataType);
    }

    [Fact]
    public async Task Xlsx_has_a_native_chart_over_the_chart_data_and_a_table_over_the_rows()
    {
        var north = new DateTime(2026, 11, 27);
        var south = new DateTime(2026, 11, 28);
        var file = await WriteAsync("xlsx", rows: [[1L, "north", 5m, north], [2L, "south", 7m, north], [3L, "north", 3m, south]], chart: new ReportChart("line", "day", "amount", "label"));

        var structure = XlsxStructure.Read(file);
        Assert.Empty(structure.Errors);
        Assert.Equal([new XlsxFileTable("odd values", "A4:D7", "A4:D7")], structure.Tables);
        var chart = Assert.Single(structure.Charts);
        Assert.Equal(("chart data", "line", "Odd values", "Day", "Amount"), (chart.Sheet, chart.Kind, chart.Title, chart.XTitle, chart.YTitle));
        Assert.Equal(
            [
                new XlsxFileSeries("'chart data'!$B$1", "north", "'chart data'!$A$2:$A$3", "'chart data'!$B$2:$B$3", 2),
                new XlsxFileSeries("'chart data'!$C$1", "south", "'chart data'!$A$2:$A$3", "'chart data'!$C$2:$C$3", 2),
            ],
            chart.Series);

        using var workbook = new XLWorkbook(file);
        var data = workbook.Worksheet("chart data");
        Assert.Equal([XLDataType.DateTime, XLDataType.DateTime], [data.Cell(2, 1).DataType, data.Cell(3, 1).DataType]);
        Assert.Equal([north, south], [data.Cell(2, 1).GetDateTime(), data.Cell(3, 1).GetDateTime()]);
        Assert.Equal("yyyy-mm-dd", data.Cell(2, 1).Style.DateFormat.Format);
        Assert.Equal([5d, 3d, 7d], [data.Cell(2, 2).GetDouble(), data.Cell(3, 2).GetDouble(), data.Cell(2, 3).GetDouble()]);
        Assert.True(data.Cell(3, 3).IsEmpty());
    }

    [Fact]
    public async Task Xlsx_without_rows_is_valid_with_an_empty_table_and_no_chart()
    {
        var structure = XlsxStructure.Read(await WriteAsync("xlsx", rows: []));
        Assert.Empty(structure.Errors);
        Assert.Equal([new XlsxFileTable("odd values", "A4:D5", "A4:D5")], structure.Tables);
        Assert.Empty(structure.Charts);
    }

    [Fact]
    public async Task Xlsx_table_header_makes_repeated_and_empty_labels_unique()
    {
        var report = new Report("labels", "reports/labels.yml", "select 1")
        {
            Title = "Labels",
            Columns = [new ReportColumn("a", "Orders", "integer", 0), new ReportColumn("b", "orders", "integer", 0), new ReportColumn("c", "", "integer", 0)],
        };
        var result = new ReportResult(report, ["a", "b", "c"], [[1L, 2L, 3L]], new Dictionary<string, object?>(), "0/1", DateTime.UtcNow, DateTime.UtcNow);
        var file = (await ReportWriters.WriteFilesAsync(result, "xlsx", _folder, CancellationToken.None, escapeFormulas: true))[0];

        var structure = XlsxStructure.Read(file);
        Assert.Empty(structure.Errors);
        Assert.Equal([new XlsxFileTable("labels", "A4:C5", "A4:C5")], structure.Tables);
        using var workbook = new XLWorkbook(file);
        Assert.Equal(["Orders", "orders 2", "c"], workbook.Worksheet(1).Row(4).Cells(1, 3).Select(c => c.GetString()));
    }

    [Fact]
    public async Task Html_holds_every_row_escaped_and_the_chart()
    {
        var html = await File.ReadAllTextAsync(await WriteAsync("html"));
        Assert.Contains("comma, and &quot;quotes&quot;", html, StringComparison.Ordinal);
        Assert.Contains("ünïcödé — 数据 🚀".Normalize(), System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("123,456,789,012,345.01", html, StringComparison.Ordinal);
        Assert.Equal(Rows.Length, html.Split("<tr><td", StringSplitOptions.None).Length - 1);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_keeps_types_and_metadata()
    {
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(await WriteAsync("json")));
        var rows = json.RootElement.GetProperty("rows");
        Assert.Equal(Rows.Length, rows.GetArrayLength());
        Assert.Equal(9_007_199_254_740_993L, rows[4].GetProperty("id").GetInt64());
        Assert.Equal(123456789012345.0123456789m, rows[1].GetProperty("amount").GetDecimal());
        Assert.Equal(JsonValueKind.Null, rows[4].GetProperty("label").ValueKind);
        Assert.Equal("line\nbreak\r\nand ; semicolon", rows[2].GetProperty("label").GetString());
        Assert.Equal("0/16B3748", json.RootElement.GetProperty("as_of").GetProperty("lsn").GetString());
    }

    [Fact]
    public async Task Files_are_never_overwritten_and_names_are_sanitised()
    {
        var first = await WriteAsync("csv");
        var second = await WriteAsync("csv");
        Assert.NotEqual(first, second);
        Assert.Equal("a_b_c", ReportWriters.Sanitise("a/b c"));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    private static IEnumerable<string> Machine(object?[] row) => row.Select(v => v switch
    {
        null => "",
        DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString()!,
    });

    private async Task<string> WriteAsync(string format, bool escapeFormulas = true, object?[][]? rows = null, ReportChart? chart = null)
    {
        var report = new Report("odd values", "reports/odd.yml", "select 1")
        {
            Title = "Odd values",
            Columns = [new ReportColumn("amount", "Amount", "decimal", 2), new ReportColumn("day", "Day", "date", 0)],
            Chart = chart ?? new ReportChart("bar", "day", "amount", null),
        };
        var result = new ReportResult(report, ["id", "label", "amount", "day"], rows ?? Rows, new Dictionary<string, object?>(),
            "0/16B3748", new DateTime(2026, 11, 27, 8, 0, 0, DateTimeKind.Utc), DateTime.UtcNow);
        var files = await ReportWriters.WriteFilesAsync(result, format, _folder, CancellationToken.None, escapeFormulas);
        return files[0];
    }
}
