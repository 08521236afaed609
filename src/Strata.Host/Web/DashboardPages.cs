using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Strata.Host.Jobs;
using Strata.Transform;
using Strata.Transform.Graph;
using Strata.Transform.History;
using Strata.Warehouse;

namespace Strata.Host.Web;

/// <summary>
/// The runs, tests and models pages with the JSON each one's script polls; the pages themselves are the embedded
/// HTML files (<see cref="DashboardAssets"/>).
/// </summary>
internal static class DashboardPages
{
    /// <summary>How many of a test's newest results the pages read: a longer streak shows as this many runs ("500+").</summary>
    internal const int StreakLimit = 500;

    public static void Map(WebApplication app, RetryingLazy<IWarehouse> warehouse, RetryingLazy<TransformService> transform, JobHistory history)
    {
        app.MapRead("/", () => DashboardAssets.Serve("overview.html"));
        app.MapRead("/runs", () => DashboardAssets.Serve("runs.html"));
        app.MapRead("/tests", () => DashboardAssets.Serve("tests.html"));
        app.MapRead("/models", () => DashboardAssets.Serve("models.html"));
        app.MapRead("/models/{name}", async (string name) => (await transform.Value).Graph.Contains(name)
            ? DashboardAssets.Serve("model.html")
            : Dashboard.Problem(StatusCodes.Status404NotFound, $"no model {name}"));

        app.MapRead("/api/runs", async (CancellationToken token) => Results.Json(new
        {
            Jobs = await history.ReadAsync(300, token),
            ModelRuns = await new RunHistory(await warehouse.Value).RecentModelRunsAsync(200, token),
        }, HostClient.Json));
        app.MapRead("/api/tests", async (CancellationToken token) =>
            Results.Json(FailuresFirst(await new TestHistory(await warehouse.Value).TestStreaksAsync(StreakLimit, token)), HostClient.Json));
        app.MapRead("/api/models", async (CancellationToken token) =>
        {
            var graph = (await transform.Value).Graph;
            var last = await new RunHistory(await warehouse.Value).LatestRunPerModelAsync(token);
            var status = last.ToDictionary(r => r.Model, r => r.Status, StringComparer.Ordinal);
            // The table's columns; the run id is the runs page's.
            var models = last.Select(r => new { r.Model, r.Materialized, r.Status, r.RowsChanged, r.StartedAt, r.DurationMs, r.Error });
            return Results.Json(new { Graph = ModelGraphSvg.Render(graph, status, node => node.StartsWith("source:", StringComparison.Ordinal) ? null : "/models/" + Uri.EscapeDataString(node)), Models = models }, HostClient.Json);
        });
        app.MapRead("/api/models/{name}", async (string name, CancellationToken token) =>
        {
            var project = await transform.Value;
            return project.Graph.Contains(name)
                ? Results.Json(await ModelView.ReadAsync(project, name, await warehouse.Value, token), HostClient.Json)
                : Dashboard.Problem(StatusCodes.Status404NotFound, $"no model {name}");
        });
    }

    /// <summary>The tests page's order: failing and erroring tests, then warnings, then the passing, each by name.</summary>
    private static List<TestStreak> FailuresFirst(IReadOnlyList<TestStreak> streaks) =>
        streaks.OrderBy(t => t.Status switch { "fail" or "error" => 0, "warn" => 1, _ => 2 }).ThenBy(t => t.Test, StringComparer.Ordinal).ToList();
}
