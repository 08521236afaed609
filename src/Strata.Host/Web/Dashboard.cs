using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Strata.Configuration;
using Strata.Errors;
using Strata.Host.Alerts;
using Strata.Host.Jobs;
using Strata.Ingestion;
using Strata.Output;
using Strata.Reports;
using Strata.Transform;
using Strata.Warehouse;

namespace Strata.Host.Web;

/// <summary>
/// The dashboard and API of <c>strata up</c>: the overview (live, polling), each report as a table and chart with
/// CSV and XLSX downloads, <c>/healthz</c>, <c>/readyz</c>, <c>/api/overview</c>. Everything is served by the
/// host — no CDN, works offline — and read-only: nothing here runs SQL a visitor wrote.
/// </summary>
internal static class Dashboard
{
    /// <summary>Freshness beyond which <c>/readyz</c> says not ready.</summary>
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["csv"] = "text/csv; charset=utf-8",
        ["xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ["html"] = "text/html; charset=utf-8",
        ["json"] = "application/json; charset=utf-8",
    };

    /// <summary>A one-line error as plain text: what the CLI shows as it is.</summary>
    private static IResult Problem(int status, string message) => Results.Text(message, "text/plain; charset=utf-8", statusCode: status);

    /// <summary>The tables a request names (<see cref="HostClient.TableQuery"/>), <c>schema.table</c>.</summary>
    private static List<string> Tables(HttpRequest request) => request.Query["table"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList();

    private static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8");

    public static void Map(WebApplication app, StrataConfig config, PlatformState state, JobHistory history, AlertStore alerts)
    {
        var security = new DashboardSecurity(config.Text(Settings.DashboardHost) ?? "127.0.0.1", config.Secret(Settings.DashboardToken));
        app.Use((context, next) => security.HandleAsync(context, _ => next()));
        var warehouse = new Lazy<Task<IWarehouse>>(() => Strata.Platform.Warehouses.OpenAsync(config));
        var transform = new Lazy<Task<TransformService>>(async () => await TransformService.OpenAsync(config, await warehouse.Value, NullConsole.Instance));
        var reports = new Lazy<Task<ReportService>>(async () => ReportService.From(config, await transform.Value, await warehouse.Value, NullConsole.Instance));

        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () =>
        {
            // Not ready for what blocks (a worker not healthy, gold past error_after, the slot, a quarantine); the
            // body lists every problem, in the words of the overview and strata status.
            var problems = Health.Of(state, DateTime.UtcNow, state.ReplicationLagLimitBytes);
            return problems.Any(p => p.Blocking)
                ? Results.Json(new { ready = false, problems = problems.Select(p => p.Message) }, HostClient.Json, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Json(new { ready = true, problems = problems.Select(p => p.Message) }, HostClient.Json);
        });
        app.MapGet("/api/overview", async (CancellationToken token) => Results.Json(await Overview.ReadAsync(state, await warehouse.Value, history, token), HostClient.Json));
        app.MapGet("/api/alerts", async (CancellationToken token) => Results.Json(await alerts.RecentAsync(100, token), HostClient.Json));
        app.MapGet("/api/freshness", () =>
        {
            var hour = DateTime.UtcNow.AddHours(-1);
            return Results.Json(new
            {
                freshness = state.Freshness.Where(s => s.At > hour).Select(s => new FreshnessPoint(s.At, s.Seconds)),
                visibility = state.Visibility.Where(s => s.At > hour).Select(s => new FreshnessPoint(s.At, s.Seconds)),
            }, HostClient.Json);
        });
        app.MapGet("/", () => Results.Content(Pages.Overview, "text/html; charset=utf-8"));
        app.MapGet("/runs", async (CancellationToken token) => Html(Pages.Runs(
            await history.ReadAsync(200, token),
            await Rows.ReadAsync(await warehouse.Value,
                "SELECT run_id, model, materialized, status, rows_changed, started_at, duration_ms, error FROM _strata.model_runs ORDER BY started_at DESC LIMIT 100", token))));
        app.MapGet("/tests", async (CancellationToken token) =>
        {
            var opened = await warehouse.Value;
            return Html(Pages.Tests(
                await Rows.ReadAsync(opened,
                    "SELECT test, model, severity, status, failures, sample, started_at, duration_ms, error FROM (SELECT *, row_number() OVER (PARTITION BY test ORDER BY started_at DESC) AS latest " +
                    "FROM _strata.test_results) AS t WHERE latest = 1 ORDER BY status = 'pass', test", token),
                await Rows.ReadAsync(opened,
                    "SELECT started_at, test, model, severity, status, failures, sample, error FROM _strata.test_results WHERE status <> 'pass' ORDER BY started_at DESC LIMIT 50", token)));
        });
        app.MapGet("/models", async (CancellationToken token) =>
        {
            var graph = (await transform.Value).Graph;
            var last = await Rows.ReadAsync(await warehouse.Value,
                "SELECT model, materialized, status, rows_changed, started_at, duration_ms, error FROM (SELECT *, row_number() OVER (PARTITION BY model ORDER BY started_at DESC) AS latest " +
                "FROM _strata.model_runs) AS r WHERE latest = 1 ORDER BY model", token);
            var status = last.ToDictionary(r => (string)r["model"]!, r => (string)r["status"]!, StringComparer.Ordinal);
            return Html(Pages.Models(ModelGraphSvg.Render(graph, status), last));
        });
        app.MapGet("/reports", async () => Results.Content(Pages.ReportList((await reports.Value).Reports), "text/html; charset=utf-8"));
        app.MapGet("/api/reports", async () => Results.Json((await reports.Value).Reports.Select(r => new ReportEntry(r.Name, r.Title)), HostClient.Json));
        app.MapGet("/reports/{name}", async (string name, HttpRequest request, CancellationToken token) =>
        {
            var service = await reports.Value;
            var format = Path.GetExtension(name) is { Length: > 1 } extension ? extension[1..] : null;
            var report = service.Reports.FirstOrDefault(r => r.Name == Path.GetFileNameWithoutExtension(name));
            if (report is null)
            {
                return Problem(StatusCodes.Status404NotFound, $"no report {Path.GetFileNameWithoutExtension(name)}; the reports are {string.Join(", ", service.Reports.Select(r => r.Name))}");
            }

            if (format is not (null or "csv" or "xlsx" or "html" or "json"))
            {
                return Problem(StatusCodes.Status400BadRequest, $"format {format} is not one of csv, xlsx, html, json");
            }

            // Every query value but the token is a report parameter, checked by the report like --param.
            var parameters = request.Query.Where(q => q.Key != "token").ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
            ReportResult result;
            try
            {
                result = await service.RunAsync(report, parameters, token);
            }
            catch (StrataException ex) when (ex is not WarehouseException)
            {
                return Problem(StatusCodes.Status400BadRequest, ex.Message);
            }

            if (format is null)
            {
                // The report's own self-contained page, with the way back into the dashboard.
                return Html(result.ToHtml().Replace("<body>", "<body>" + Pages.ReportNavigation(report.Name), StringComparison.Ordinal));
            }

            var folder = Path.Combine(Path.GetTempPath(), "strata-downloads", Guid.NewGuid().ToString("N"));
            try
            {
                var files = await service.WriteAsync(result, format, folder, token);
                var bytes = await File.ReadAllBytesAsync(files[0], token);
                return Results.File(bytes, ContentTypes[format], Path.GetFileName(files[0]));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        });

        // The API the CLI uses while this host owns the DuckDB warehouse.
        app.MapGet("/api/ingest/status", async (CancellationToken token) =>
            Results.Json(await new IngestionService(config, Strata.Platform.Warehouses.Opener(config), NullConsole.Instance).StatusAsync(token), HostClient.Json));
        app.MapPost("/api/ingest/resync", (HttpRequest request) =>
        {
            var tables = Tables(request);
            state.RequestResync(tables);
            return Results.Json(new ResyncRequest(tables), HostClient.Json, statusCode: StatusCodes.Status202Accepted);
        });
        app.MapPost("/api/reconcile", async (HttpRequest request, CancellationToken token) =>
        {
            try
            {
                return Results.Json(await new IngestionService(config, Strata.Platform.Warehouses.Opener(config), NullConsole.Instance).ReconcileAsync(Tables(request), token), HostClient.Json);
            }
            catch (StrataException ex) when (!ex.IsTransient && ex is not WarehouseException)
            {
                return Problem(StatusCodes.Status400BadRequest, ex.Message);
            }
        });
    }
}

/// <summary>What <c>POST /api/ingest/resync</c> took: the tables to snapshot afresh (empty = every table).</summary>
/// <param name="Tables">The tables, <c>schema.table</c>.</param>
public sealed record ResyncRequest(IReadOnlyList<string> Tables);

/// <summary>A report in <c>/api/reports</c>.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Title">Its title.</param>
public sealed record ReportEntry(string Name, string Title);
