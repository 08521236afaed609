using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Strata.Errors;
using Strata.Reports;
using Strata.Reports.Definitions;
using Strata.Warehouse;

namespace Strata.Host.Web;

/// <summary>
/// <c>/reports</c>, each report's page, its data as JSON (<c>/api/reports/{name}</c>) and its downloads
/// (<c>/reports/{name}.csv</c>, <c>.xlsx</c>, <c>.html</c>, <c>.json</c>). Every query value but the token is a
/// report parameter, checked by the report as <c>--param</c> is.
/// </summary>
internal static class ReportEndpoints
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["csv"] = "text/csv; charset=utf-8",
        ["xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ["html"] = "text/html; charset=utf-8",
        ["json"] = "application/json; charset=utf-8",
    };

    public static void Map(WebApplication app, RetryingLazy<ReportService> reports)
    {
        app.MapRead("/reports", () => DashboardAssets.Serve("reports.html"));
        app.MapRead("/api/reports", async () => Results.Json((await reports.Value).Reports.Select(r => new ReportEntry(r.Name, r.Title, r.Description)), HostClient.Json));
        app.MapRead("/api/reports/{name}", async (string name, HttpRequest request, CancellationToken token) =>
        {
            var service = await reports.Value;
            if (Find(service, name) is not { } report)
            {
                return Unknown(service, name);
            }

            var (result, error) = await RunAsync(service, report, request, token);
            return result is null ? error! : Results.Json(ReportView.From(result), HostClient.Json);
        });
        app.MapRead("/reports/{name}", async (string name, HttpRequest request, CancellationToken token) =>
        {
            var service = await reports.Value;
            var format = Path.GetExtension(name) is { Length: > 1 } extension ? extension[1..] : null;
            if (Find(service, Path.GetFileNameWithoutExtension(name)) is not { } report)
            {
                return Unknown(service, Path.GetFileNameWithoutExtension(name));
            }

            if (format is null)
            {
                return DashboardAssets.Serve("report.html");
            }

            if (!ContentTypes.TryGetValue(format, out var contentType))
            {
                return Dashboard.Problem(StatusCodes.Status400BadRequest, $"format {format} is not one of csv, xlsx, html, json");
            }

            var (result, error) = await RunAsync(service, report, request, token);
            if (result is null)
            {
                return error!;
            }

            var folder = Path.Combine(Path.GetTempPath(), "strata-downloads", Guid.NewGuid().ToString("N"));
            try
            {
                var files = await service.WriteAsync(result, format, folder, token);
                var bytes = await File.ReadAllBytesAsync(files[0], token);
                return Results.File(bytes, contentType, Path.GetFileName(files[0]));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        });
    }

    private static Report? Find(ReportService service, string name) => service.Reports.FirstOrDefault(r => r.Name == name);

    private static IResult Unknown(ReportService service, string name) =>
        Dashboard.Problem(StatusCodes.Status404NotFound, $"no report {name}; the reports are {string.Join(", ", service.Reports.Select(r => r.Name))}");

    /// <summary>Runs the report with the request's parameters; a bad parameter is a 400 with the report's own message.</summary>
    private static async Task<(ReportResult? Result, IResult? Error)> RunAsync(ReportService service, Report report, HttpRequest request, CancellationToken token)
    {
        var parameters = request.Query.Where(q => q.Key != "token").ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        try
        {
            return (await service.RunAsync(report, parameters, token), null);
        }
        catch (StrataException ex) when (ex is not WarehouseException)
        {
            return (null, Dashboard.Problem(StatusCodes.Status400BadRequest, ex.Message));
        }
    }
}

/// <summary>A report in <c>/api/reports</c>.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Title">Its title.</param>
/// <param name="Description">What it answers, if its yml says.</param>
public sealed record ReportEntry(string Name, string Title, string? Description = null);
