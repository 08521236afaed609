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
/// The dashboard and API of <c>strata up</c>: the pages (HTML and scripts embedded at build time, served under
/// <c>/assets/</c>, filled from the JSON endpoints here), each report as a table and chart with its downloads,
/// <c>/healthz</c>, <c>/readyz</c>, <c>/api/overview</c>. Everything is served by the host — no CDN, works
/// offline — and read-only: nothing here runs SQL a visitor wrote.
/// </summary>
internal static class Dashboard
{
    /// <summary>A one-line error as plain text: what the CLI shows as it is.</summary>
    internal static IResult Problem(int status, string message) => Results.Text(message, "text/plain; charset=utf-8", statusCode: status);

    /// <summary>The tables a request names (<see cref="HostClient.TableQuery"/>), <c>schema.table</c>.</summary>
    private static List<string> Tables(HttpRequest request) => request.Query["table"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList();

    /// <param name="app">The web app.</param>
    /// <param name="config">The project's configuration.</param>
    /// <param name="warehouses">The handles the dashboard reads through, each as its part's login.</param>
    /// <param name="state">The host's state.</param>
    /// <param name="history">The host's job runs.</param>
    /// <param name="alerts">The host's alerts.</param>
    /// <param name="sqlParser">The parser of the docs page's lineage.</param>
    public static void Map(WebApplication app, StrataConfig config, DashboardWarehouses warehouses, PlatformState state, JobHistory history, AlertStore alerts, ISqlParser sqlParser)
    {
        ArgumentNullException.ThrowIfNull(warehouses);
        var openWarehouse = warehouses.Host;
        var security = new DashboardSecurity(config.Text(Settings.DashboardHost) ?? "127.0.0.1", config.Secret(Settings.DashboardToken));
        app.Use((context, next) => security.HandleAsync(context, _ => next()));
        app.Use(async (context, next) =>
        {
            using var job = WarehouseJob.Begin("dashboard");
            await next();
        });
        var warehouse = new RetryingLazy<IWarehouse>(() => warehouses.Dashboard(CancellationToken.None));
        // The project and its catalog as the host builds them: the docs page describes every model, silver's too.
        var transform = new RetryingLazy<TransformService>(async () => await TransformService.OpenAsync(config, await openWarehouse(CancellationToken.None), NullConsole.Instance));
        var reports = new RetryingLazy<ReportService>(async () => ReportService.From(config, await transform.Value, await warehouses.Reports(CancellationToken.None), NullConsole.Instance));

        app.MapRead("/healthz", () => Results.Text("ok"));
        app.MapRead("/readyz", () =>
        {
            // Not ready for what blocks (a worker not healthy, gold past error_after, the slot, a quarantine); the
            // body lists every problem, in the words of the overview and strata status.
            var problems = Health.Of(state, DateTime.UtcNow);
            return problems.Any(p => p.Blocking)
                ? Results.Json(new { ready = false, problems = problems.Select(p => p.Message) }, HostClient.Json, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Json(new { ready = true, problems = problems.Select(p => p.Message) }, HostClient.Json);
        });
        app.MapRead("/api/overview", async (CancellationToken token) => Results.Json(await Overview.ReadAsync(state, await warehouse.Value, history, token), HostClient.Json));
        app.MapRead("/api/alerts", async (CancellationToken token) => Results.Json(await alerts.RecentAsync(100, token), HostClient.Json));
        app.MapRead("/api/freshness", () =>
        {
            var hour = DateTime.UtcNow.AddHours(-1);
            return Results.Json(new
            {
                freshness = state.Freshness.Where(s => s.At > hour).Select(s => new FreshnessPoint(s.At, s.Seconds)),
                visibility = state.Visibility.Where(s => s.At > hour).Select(s => new FreshnessPoint(s.At, s.Seconds)),
            }, HostClient.Json);
        });

        DashboardAssets.Map(app);
        DashboardPages.Map(app, warehouse, transform, history);
        ReportEndpoints.Map(app, reports);
        DocsEndpoint.Map(app, transform, state, sqlParser);

        // The API the CLI uses while this host owns the DuckDB warehouse.
        app.MapRead("/api/ingest/status", async (CancellationToken token) =>
            Results.Json(await new IngestionService(config, openWarehouse, NullConsole.Instance).StatusAsync(token), HostClient.Json));
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
                return Results.Json(await new IngestionService(config, openWarehouse, NullConsole.Instance).ReconcileAsync(Tables(request), token), HostClient.Json);
            }
            catch (StrataException ex) when (!ex.IsTransient && ex is not WarehouseException)
            {
                return Problem(StatusCodes.Status400BadRequest, ex.Message);
            }
        });
    }
}

/// <summary>The dashboard's warehouse handles: each part's reads as that part's login (<c>strata infra</c>), the same handle where the warehouse has no logins.</summary>
/// <param name="Dashboard">Run and test history, the overview, model pages.</param>
/// <param name="Reports">Reports asked for on the dashboard.</param>
/// <param name="Host">The host's own: the models' catalog, and the API the CLI uses while the host owns a DuckDB warehouse.</param>
public sealed record DashboardWarehouses(OpenWarehouse Dashboard, OpenWarehouse Reports, OpenWarehouse Host);

/// <summary>What <c>POST /api/ingest/resync</c> took: the tables to snapshot afresh (empty = every table).</summary>
/// <param name="Tables">The tables, <c>schema.table</c>.</param>
public sealed record ResyncRequest(IReadOnlyList<string> Tables);
