using Strata.Reports.Definitions;

namespace Strata.Reports;

/// <summary>A report's rows, with what they are as of.</summary>
/// <param name="Report">The report.</param>
/// <param name="Columns">Column names in query order.</param>
/// <param name="Rows">The rows.</param>
/// <param name="Parameters">The parameter values used.</param>
/// <param name="AsOfLsn">Source LSN of the newest change the rows include, when known.</param>
/// <param name="AsOfCommitTime">Its commit time (UTC).</param>
/// <param name="GeneratedAt">When the report ran (UTC).</param>
public sealed record ReportResult(
    Report Report, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, IReadOnlyDictionary<string, object?> Parameters,
    string? AsOfLsn, DateTime? AsOfCommitTime, DateTime GeneratedAt)
{
    /// <summary>The models the report's SQL reads.</summary>
    public IReadOnlyList<string> Relations { get; init; } = [];

    /// <summary>The column's display settings (defaults for columns the yml does not list).</summary>
    public ReportColumn Column(string name) =>
        Report.Columns.FirstOrDefault(c => c.Name == name) ?? new ReportColumn(name, name, "text", 0);

    /// <summary>A cell as people read it (the column's format).</summary>
    public string Display(object?[] row, int index)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Writers.CellText.Display(row[index], Column(Columns[index]));
    }

    /// <summary>The report as one self-contained HTML page (table and chart).</summary>
    public string ToHtml() => Writers.HtmlReportWriter.Render(this);

    /// <summary>One line saying what the data is as of.</summary>
    public string AsOfText => AsOfCommitTime is { } time
        ? $"Data as of {time:yyyy-MM-dd HH:mm:ss} UTC (source LSN {AsOfLsn}); generated {GeneratedAt:yyyy-MM-dd HH:mm:ss} UTC"
        : $"Generated {GeneratedAt:yyyy-MM-dd HH:mm:ss} UTC";
}
