using System.Globalization;
using CsvHelper;

namespace Strata.Reports.Writers;

/// <summary>RFC 4180 CSV: UTF-8, a header row of column names, invariant culture, ISO 8601 dates. The as-of goes in a sibling <c>.meta.json</c>.</summary>
internal sealed class CsvReportWriter : IReportWriter
{
    public string Extension => "csv";

    public async Task WriteAsync(ReportResult result, Stream output, CancellationToken cancellationToken)
    {
        // CsvHelper quotes what RFC 4180 needs (separators, quotes, line breaks) and writes UTF-8 without a BOM.
        await using var csv = CsvWriter.Create(output, new CsvWriterOptions { NewLine = "\r\n", FormatProvider = CultureInfo.InvariantCulture }, true);
        await csv.WriteRecordAsync(result.Columns.ToArray(), cancellationToken);
        foreach (var row in result.Rows)
        {
            await csv.WriteRecordAsync(row.Select(CellText.Machine).ToArray(), cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }
}
