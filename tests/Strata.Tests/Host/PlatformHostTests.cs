using System.Diagnostics;
using Strata.Tests.Ingestion;
using Strata.Tests.Source;
using Strata.Tests.Transform;

namespace Strata.Tests.Host;

/// <summary><c>strata up</c> against an existing source: ingestion and commit-triggered transformation in one process.</summary>
public sealed class PlatformHostTests() : SharedServerTest("host", initialize: true)
{
    [Fact]
    public async Task Up_keeps_gold_seconds_behind_the_source_and_stops_cleanly()
    {
        TransformProjects.UseWarehouse(Project, Server, "duckdb", "host");
        TransformProjects.UseFinanceProject(Project);
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "50", "--items-per-order", "3")).ExitCode);

        using var stop = new CancellationTokenSource();
        var up = Project.RunAsync(stop.Token, "up");
        var simulate = await Project.RunAsync("source", "simulate", "--speed", "2000", "--duration", "6s", "--delete-rate", "0.05");
        Assert.True(simulate.ExitCode == 0, simulate.ToString());

        // Once the workload stops, the host catches up within seconds on its own.
        var expected = await BronzeReader.SourceQueryAsync(Server, Project.Database, "SELECT order_id, status FROM operations.orders ORDER BY 1");
        var clock = Stopwatch.StartNew();
        List<string>? actual = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(500);
            try
            {
                actual = await TransformProjects.RowsAsync(Project, "SELECT order_id, status FROM gold.fct_orders ORDER BY 1");
            }
            catch (Strata.Warehouse.WarehouseException)
            {
                continue; // gold not built yet
            }

            if (actual.SequenceEqual(expected))
            {
                break;
            }
        }

        Assert.Equal(expected, actual);
        var caughtUp = clock.Elapsed;

        var stopping = Stopwatch.StartNew();
        await stop.CancelAsync();
        var result = await up;
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopping.Elapsed}");
        Assert.True(caughtUp < TimeSpan.FromSeconds(15), $"gold caught up {caughtUp} after the workload stopped");
        Assert.Contains("Using the existing source", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"built \d+ models and ran \d+ tests in [\d.]+ s; gold is [\d.]+ s behind the source", result.Output);
    }
}
