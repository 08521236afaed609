using System.Diagnostics;
using Strata.Testing;
using Strata.Tests.Ingestion;
using Strata.Tests.Source;
using Strata.Tests.Transform;

namespace Strata.Tests.Host;

/// <summary>kill -9 of <c>strata up</c> under the workload, restarts, then SIGTERM: nothing lost or duplicated, a clean stop within 10 s.</summary>
public sealed class HostFaultTests() : SharedServerTest("host_faults", initialize: true)
{
    [Fact]
    public async Task Kill_minus_9_of_the_host_loses_and_duplicates_nothing_and_SIGTERM_stops_it_within_10_s()
    {
        // PostgreSQL warehouse: the test reads it while the host (another process) writes.
        TransformProjects.UseWarehouse(Project, Server, "postgres", "faults");
        TransformProjects.UseFinanceProject(Project);
        Project.Environment["STRATA_DASHBOARD_PORT"] = "0";
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "200", "--items-per-order", "3")).ExitCode);
        var workload = Project.RunAsync("source", "simulate", "--speed", "1500", "--duration", "12s", "--delete-rate", "0.05");
        var random = new Random(7);
        for (var round = 0; round < 3; round++)
        {
            var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
            using var host = CliProcess.Start(Project, lines, "up");
            await WaitForAsync(lines, "built ", host);
            await Task.Delay(random.Next(200, 1500));
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }

        Assert.Equal(0, (await workload).ExitCode);
        var expected = await BronzeReader.SourceQueryAsync(Server, Project.Database, "SELECT order_id, status FROM operations.orders ORDER BY 1");
        var lastLines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using (var host = CliProcess.Start(Project, lastLines, "up"))
        {
            var clock = Stopwatch.StartNew();
            List<string>? actual = null;
            while (clock.Elapsed < TimeSpan.FromSeconds(60) && !(actual ?? []).SequenceEqual(expected))
            {
                await Task.Delay(500);
                try
                {
                    actual = await TransformProjects.RowsAsync(Project, "SELECT order_id, status FROM gold.fct_orders ORDER BY 1");
                }
                catch (Strata.Warehouse.WarehouseException)
                {
                }
            }

            Assert.Equal(expected, actual);
            using (var term = Process.Start("kill", ["-TERM", host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            var stopping = Stopwatch.StartNew();
            await host.WaitForExitAsync();
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"SIGTERM took {stopping.Elapsed}");
            Assert.True(host.ExitCode == 0, $"exit {host.ExitCode}: {string.Join(" / ", lastLines)}");
        }

        // Exactly once through every kill: bronze has no change twice, and history holds one version per change.
        foreach (var table in new[] { "orders", "order_items" })
        {
            Assert.Equal(["0"], await TransformProjects.RowsAsync(Project,
                $"SELECT count(*) FROM (SELECT _lsn, _seq FROM bronze.operations__{table} GROUP BY _lsn, _seq HAVING count(*) > 1) d"));
            Assert.Equal(
                await TransformProjects.RowsAsync(Project, $"SELECT count(*) FROM bronze.operations__{table} WHERE _op <> 't'"),
                await TransformProjects.RowsAsync(Project, $"SELECT count(*) FROM silver.{table}_history"));
        }
    }

    private static async Task WaitForAsync(System.Collections.Concurrent.ConcurrentQueue<string> lines, string text, Process host)
    {
        for (var i = 0; i < 600 && !lines.Any(l => l.Contains(text, StringComparison.Ordinal)); i++)
        {
            Assert.False(host.HasExited, $"strata up exited: {string.Join(" / ", lines)}");
            await Task.Delay(100);
        }
    }
}
