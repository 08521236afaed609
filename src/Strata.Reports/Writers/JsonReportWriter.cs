using System.Text.Json;

namespace Strata.Reports.Writers;

/// <summary>JSON: the rows as objects, with the report's metadata (as of when, parameters).</summary>
internal sealed class JsonReportWriter : IReportWriter
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string Extension => "json";

    public Task WriteAsync(ReportResult result, Stream output, CancellationToken cancellationToken) =>
        JsonSerializer.SerializeAsync(output, new
        {
            Report = result.Report.Name,
            result.Report.Title,
            AsOf = new { Lsn = result.AsOfLsn, CommitTime = result.AsOfCommitTime },
            result.GeneratedAt,
            result.Parameters,
            result.Columns,
            Rows = result.Rows.Select(r => result.Columns.Select((c, i) => (c, v: Value(r[i]))).ToDictionary(p => p.c, p => p.v)),
        }, Options, cancellationToken);

    /// <summary>The metadata alone: what a CSV's <c>.meta.json</c> holds.</summary>
    public static Task WriteMetadataAsync(ReportResult result, Stream output, CancellationToken cancellationToken) =>
        JsonSerializer.SerializeAsync(output, new
        {
            Report = result.Report.Name,
            result.Report.Title,
            AsOf = new { Lsn = result.AsOfLsn, CommitTime = result.AsOfCommitTime },
            result.GeneratedAt,
            result.Parameters,
            result.Columns,
            RowCount = result.Rows.Count,
        }, Options, cancellationToken);

    private static object? Value(object? value) => value switch
    {
        System.Numerics.BigInteger big => (decimal)big,
        DateTime d when d.TimeOfDay == TimeSpan.Zero => DateOnly.FromDateTime(d),
        _ => value,
    };
}
