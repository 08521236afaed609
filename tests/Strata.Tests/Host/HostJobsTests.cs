using System.Diagnostics;
using System.Text.Json;
using Strata.Tests.Ingestion;
using Strata.Tests.Reports;
using Strata.Tests.Source;
using Strata.Tests.Transform;

namespace Strata.Tests.Host;

/// <summary>
/// The host's scheduled jobs and retries: full tests, reconcile and freshness on cron schedules with their history in
/// <c>_strata.runs</c>; a failing model retried on its own without blocking the others; the CLI going through the host.
/// </summary>
public sealed class HostJobsTests() : SharedServerTest("host_jobs", initialize: true)
{
    [Fact]
    public async Task Jobs_run_on_their_schedules_and_a_failing_model_is_retried_without_blocking_the_rest()
    {
        TransformProjects.UseWarehouse(Project, Server, "duckdb", "jobs");
        // A copy of the finance project with one more model that reads a table nobody has made yet.
        var analytics = Path.Combine(Project.Directory, "analytics");
        TransformProjects.CopyFinanceProject(analytics);
        TransformProjects.Write(analytics, new Dictionary<string, string>
        {
            ["models/gold/order_flags.sql"] = "{{ config(materialized='table') }}\nselect o.order_id, f.flag from {{ ref('fct_orders') }} o join side.flags f on f.order_id = o.order_id",
        });
        // A report delivery, which the host runs as one of its jobs.
        await File.AppendAllTextAsync(Path.Combine(analytics, "reports", "top_delivery_dates.yml"), """
            schedules:
              - cron: "*/2 * * * * *"
                formats: [csv]
                targets:
                  - folder: delivered
            """);
        Project.Environment["STRATA_TRANSFORM_PROJECT"] = analytics;
        Project.Environment["STRATA_DASHBOARD_PORT"] = "0";
        Project.Environment["STRATA_SCHEDULE_TESTS"] = "*/2 * * * * *";
        Project.Environment["STRATA_SCHEDULE_RECONCILE"] = "*/3 * * * * *";
        Project.Environment["STRATA_SCHEDULE_FRESHNESS"] = "*/2 * * * * *";
        // Reconcile waits for bronze to pass the position it compares at; on a quiet source heartbeats move it.
        Project.Environment["STRATA_INGEST_HEARTBEAT_MS"] = "1000";
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "40", "--items-per-order", "3")).ExitCode);

        using var stop = new CancellationTokenSource();
        var up = Project.RunAsync(stop.Token, "up");
        var jobs = await WaitForAsync(up, stop, "every job ran", async () =>
        {
            var rows = await RunsAsync();
            return new[] { "tests", "reconcile", "freshness", "report:top_delivery_dates" }.All(job => rows.Any(r => r.StartsWith($"{job}|schedule|", StringComparison.Ordinal))) ? rows : null;
        });
        Assert.Contains(jobs, r => r.StartsWith("reconcile|schedule|success|1|4 tables equal the source at 0/", StringComparison.Ordinal));
        Assert.Contains(jobs, r => r.StartsWith("freshness|schedule|success|", StringComparison.Ordinal));
        Assert.Contains(jobs, r => r.StartsWith("report:top_delivery_dates|schedule|success|1|delivered csv to folder", StringComparison.Ordinal));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Project.Directory, "delivered"), "top_delivery_dates_*.csv"));
        Assert.Contains(jobs, r => r.StartsWith("tests|schedule|success|1|", StringComparison.Ordinal) && r.Contains(" passed", StringComparison.Ordinal));

        // The failing model did not block the others.
        Assert.Equal(["fct_orders|success", "order_flags|error", "rpt_top_delivery_dates|success"], await TransformProjects.RowsAsync(Project,
            "SELECT model, status FROM _strata.model_runs WHERE run_id = (SELECT min(run_id) FROM _strata.model_runs) " +
            "AND model IN ('order_flags', 'rpt_top_delivery_dates', 'fct_orders') ORDER BY model"));

        // Once its table exists it is retried on its own — no source change, no commit — and succeeds.
        await using (var warehouse = await BronzeReader.OpenAsync(Project))
        {
            await warehouse.ExecuteAsync("CREATE SCHEMA IF NOT EXISTS side");
            await warehouse.ExecuteAsync("CREATE TABLE side.flags AS SELECT order_id, 'vip' AS flag FROM gold.fct_orders LIMIT 5");
        }

        await WaitForAsync(up, stop, "order_flags built on a retry", async () =>
            (await RunsAsync()).FirstOrDefault(r => r.StartsWith("transformation|retry|success|", StringComparison.Ordinal)));
        Assert.Equal(["5"], await TransformProjects.RowsAsync(Project, "SELECT count(*) FROM gold.order_flags"));

        await CheckCliThroughHostAsync();
        await stop.CancelAsync();
        var result = await up;
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task A_bad_schedule_stops_up_with_one_line_naming_the_setting()
    {
        TransformProjects.UseWarehouse(Project, Server, "duckdb", "badcron");
        TransformProjects.UseFinanceProject(Project);
        Project.Environment["STRATA_DASHBOARD_PORT"] = "0";
        Project.Environment["STRATA_SCHEDULE_RECONCILE"] = "every hour";
        var up = await Project.RunAsync("up");
        Assert.Equal(1, up.ExitCode);
        Assert.StartsWith("error: env STRATA_SCHEDULE_RECONCILE: schedule.reconcile: cron 'every hour' is not valid", up.Error, StringComparison.Ordinal);

        Project.Environment["STRATA_SCHEDULE_RECONCILE"] = "off";
        Project.Environment["STRATA_SCHEDULE_TIME_ZONE"] = "Mars/Olympus";
        up = await Project.RunAsync("up");
        Assert.Equal(1, up.ExitCode);
        Assert.StartsWith("error: env STRATA_SCHEDULE_TIME_ZONE: schedule.time_zone: time zone 'Mars/Olympus' is unknown", up.Error, StringComparison.Ordinal);
    }

    /// <summary><c>ingest status</c>, <c>reconcile</c> and <c>report run</c> answer through the running host.</summary>
    private async Task CheckCliThroughHostAsync()
    {
        var status = await Project.RunAsync("ingest", "status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using (var json = JsonDocument.Parse(status.Output))
        {
            Assert.Equal("active", json.RootElement.GetProperty("slot_state").GetString());
        }

        await Reconciled.AssertEqualAsync(Project);

        var folder = Path.Combine(Project.Directory, "through-host");
        var run = await Project.RunAsync("report", "run", "top_delivery_dates", "--format", "csv", "--out", folder);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("from strata up", run.Output, StringComparison.Ordinal);
        Assert.Equal(
            await ReportAnswers.SourceAsync(Server, Project.Database, ReportAnswers.Questions["top_delivery_dates"]),
            ReportAnswers.ReadCsv(Directory.GetFiles(folder, "top_delivery_dates_*.csv").Single()));

        var unknown = await Project.RunAsync("report", "run", "top_delivery_datez", "--format", "csv", "--out", folder);
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("error: no report top_delivery_datez; the reports are ", unknown.Error, StringComparison.Ordinal);
    }

    private Task<List<string>> RunsAsync() =>
        TransformProjects.RowsAsync(Project, "SELECT job, trigger, status, attempts, detail FROM _strata.runs ORDER BY started_at");

    private async Task<T> WaitForAsync<T>(Task<Strata.Testing.CliResult> up, CancellationTokenSource stop, string what, Func<Task<T?>> probe)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (up.IsCompleted)
            {
                Assert.Fail($"strata up stopped before {what}: {await up}");
            }

            try
            {
                if (await probe() is { } found)
                {
                    return found;
                }
            }
            catch (Strata.Warehouse.WarehouseException)
            {
                // not built yet
            }

            await Task.Delay(500);
        }

        await stop.CancelAsync();
        Assert.Fail($"{what}: not within 60 s; _strata.runs: {string.Join(" / ", await RunsAsync())}; strata up said: {await up}");
        throw new UnreachableException();
    }
}
