using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Strata.Host.Jobs;
using Strata.Transform;
using Strata.Warehouse;

namespace Strata.Host.Web;

/// <summary>
/// The runs, tests and models pages with the JSON each one's script polls; the pages themselves are the embedded
/// HTML files (<see cref="DashboardAssets"/>).
/// </summary>
internal static class DashboardPages
{
    public static void Map(WebApplication app, Lazy<Task<IWarehouse>> warehouse, Lazy<Task<TransformService>> transform, JobHistory history)
    {
        app.MapGet("/", () => DashboardAssets.Serve("overview.html"));
        app.MapGet("/runs", () => DashboardAssets.Serve("runs.html"));
        app.MapGet("/tests", () => DashboardAssets.Serve("tests.html"));
        app.MapGet("/models", () => DashboardAssets.Serve("models.html"));
        app.MapGet("/models/{name}", async (string name) => (await transform.Value).Graph.Contains(name)
            ? DashboardAssets.Serve("model.html")
            : Dashboard.Problem(StatusCodes.Status404NotFound, $"no model {name}"));

        app.MapGet("/api/runs", async (CancellationToken token) => Results.Json(new
        {
            Jobs = await history.ReadAsync(300, token),
            ModelRuns = await Rows.ReadAsync(await warehouse.Value,
                "SELECT run_id, model, materialized, status, rows_changed, started_at, duration_ms, error FROM _strata.model_runs ORDER BY started_at DESC LIMIT 200", token),
        }, HostClient.Json));
        app.MapGet("/api/tests", async (CancellationToken token) => Results.Json(await TestSummary.ReadAsync(await warehouse.Value, token), HostClient.Json));
        app.MapGet("/api/models", async (CancellationToken token) =>
        {
            var graph = (await transform.Value).Graph;
            var last = await Rows.ReadAsync(await warehouse.Value,
                "SELECT model, materialized, status, rows_changed, started_at, duration_ms, error FROM (SELECT *, row_number() OVER (PARTITION BY model ORDER BY started_at DESC) AS latest " +
                "FROM _strata.model_runs) AS r WHERE latest = 1 ORDER BY model", token);
            var status = last.ToDictionary(r => (string)r["model"]!, r => (string)r["status"]!, StringComparer.Ordinal);
            return Results.Json(new { Graph = ModelGraphSvg.Render(graph, status), Models = last }, HostClient.Json);
        });
        app.MapGet("/api/models/{name}", async (string name, CancellationToken token) =>
        {
            var graph = (await transform.Value).Graph;
            return graph.Contains(name)
                ? Results.Json(await ModelView.ReadAsync(graph, name, await warehouse.Value, token), HostClient.Json)
                : Dashboard.Problem(StatusCodes.Status404NotFound, $"no model {name}");
        });
    }
}
