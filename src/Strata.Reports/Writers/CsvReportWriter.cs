using System.Globalization;
using CsvHelper;

namespace Strata.Reports.Writers;

/// <summary>RFC 4180 CSV: UTF-8, a header row of column names, invariant culture, ISO 8601 dates. The as-of goes in a sibling <c>.meta.json</c>.</summary>
/// <param name="escapeFormulas">
/// Guard against CSV formula injection (OWASP): a text value starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab
/// or a carriage return gets a leading <c>'</c>, so a spreadsheet shows it instead of running it. Numbers are left as they are.
/// </param>
internal sealed class CsvReportWriter(bool escapeFormulas = true) : IReportWriter
{
    private static readonly System.Buffers.SearchValues<char> FormulaStarts = System.Buffers.SearchValues.Create("=+-@\t\r");

    public string Extension => "csv";

    public async Task WriteAsync(ReportResult result, Stream output, CancellationToken cancellationToken)
    {
        // CsvHelper quotes what RFC 4180 needs (separators, quotes, line breaks) and writes UTF-8 without a BOM.
        await using var csv = CsvWriter.Create(output, new CsvWriterOptions { NewLine = "\r\n", FormatProvider = CultureInfo.InvariantCulture }, true);
        await csv.WriteRecordAsync(result.Columns.ToArray(), cancellationToken);
        foreach (var row in result.Rows)
        {
            await csv.WriteRecordAsync(row.Select(Cell).ToArray(), cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }

    private string Cell(object? value) =>
        escapeFormulas && value is string text && text.Length > 0 && FormulaStarts.Contains(text[0]) ? "'" + text : CellText.Machine(value);
}
