using System.Globalization;
using CsvHelper;
using Spectre.Console;
using Strata.Cli.Output;
using Strata.Host;
using Strata.Host.Web;

namespace Strata.Cli.Commands.Report;

/// <summary>
/// <c>strata report run</c> while <c>strata up</c> owns the DuckDB warehouse: the host runs each report and sends the
/// file; the command writes it where it would have written it itself.
/// </summary>
internal sealed class ReportsThroughHost(HostClient host, SpectreStrataConsole console)
{
    public async Task<int> RunAsync(
        ReportRunCommand.Options settings, string folder, string format, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var known = await host.GetAsync<List<ReportEntry>>("api/reports", cancellationToken);
        var chosen = ReportRunCommand.Choose(known, settings, console)
            .Select(name => known.FirstOrDefault(r => r.Name == name) ?? new ReportEntry(name, name)).ToList();
        var query = parameters.Count == 0 ? "" : "?" + string.Join("&", parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var written = new List<object>();
        foreach (var report in chosen)
        {
            var path = $"reports/{Uri.EscapeDataString(report.Name)}.{(format == "table" ? "csv" : format)}{query}";
            var (bytes, name) = await host.DownloadAsync(path, cancellationToken);
            if (format == "table")
            {
                ShowTable(report, bytes);
                continue;
            }

            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, name);
            await File.WriteAllBytesAsync(file, bytes, cancellationToken);
            written.Add(new { report = report.Name, files = new[] { file }, through = host.Host.Url });
            if (!settings.Json)
            {
                console.Success($"{report.Name}: {bytes.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes from strata up → {file}");
            }
        }

        if (settings.Json)
        {
            console.Json(written);
        }

        return 0;
    }

    private void ShowTable(ReportEntry report, byte[] csv)
    {
        using var reader = CsvReader.Create(csv, new CsvReaderOptions { HasHeader = true, AllowLineBreaksInQuotes = true });
        var header = reader.Headers.ToList();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var record in reader)
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToList());
        }

        console.Table(header, rows, $"{report.Title} (from strata up)");
    }
}
