using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Strata.Configuration;
using Strata.Host;
using Strata.Host.Web;

namespace Strata.Bench;

/// <summary>
/// <c>strata up</c> as a person runs it, in a fresh project folder: the time from start to the first report on the
/// dashboard, then at <c>--speed 1</c> and <c>--speed 100</c> how long a source change takes to become visible in gold
/// (p50/p95/p99 over source transactions) and what the host process costs (CPU, RSS).
/// </summary>
internal static class HostBenchmark
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(20);

    public static async Task<string> RunAsync(string workDirectory, TimeSpan measure)
    {
        var cli = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/Strata.Cli/bin/Release/net10.0/strata.dll"));
        if (!File.Exists(cli))
        {
            throw new FileNotFoundException($"build the CLI first: dotnet build src/Strata.Cli -c Release ({cli} is missing)");
        }

        var folder = Path.Combine(workDirectory, "host");
        if (Directory.Exists(folder))
        {
            await StopSourceAsync(cli, folder);
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var lines = new StringBuilder();
        var firstReport = await MeasureAsync(cli, folder, 1, measure, lines, firstStart: true);
        await MeasureAsync(cli, folder, 100, measure, lines, firstStart: false);
        await StopSourceAsync(cli, folder);
        var first = string.Create(CultureInfo.InvariantCulture, $"{firstReport.TotalSeconds:0.0}");
        return $"From `strata up` in an empty folder (after the build) to the first report on the dashboard: {first} s " +
            "(creating the local source cluster, seeding it, the snapshot, the first build).\n\n" +
            "| speed | source transactions measured | commit → visible in gold p50 / p95 / p99 (s) | age of gold, median (s) | host CPU (% of one core) | host RSS mean / max (MB) |\n" +
            "| ---: | ---: | ---: | ---: | ---: | ---: |\n" + lines;
    }

    private static async Task<TimeSpan> MeasureAsync(string cli, string folder, int speed, TimeSpan measure, StringBuilder lines, bool firstStart)
    {
        var clock = Stopwatch.StartNew();
        using var host = Start(cli, folder, "up", "--speed", speed.ToString(CultureInfo.InvariantCulture));
        try
        {
            var url = await WaitForUrlAsync(folder, host);
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
            while (!await HasReportAsync(http))
            {
                if (host.HasExited || clock.Elapsed > TimeSpan.FromMinutes(5))
                {
                    throw new InvalidOperationException($"no report on the dashboard {clock.Elapsed} after strata up started");
                }

                await Task.Delay(200);
            }

            var firstReport = clock.Elapsed;
            Console.Error.WriteLine($"  speed {speed}: first report after {firstReport.TotalSeconds:0.0} s; warming up, then measuring for {measure}");
            await Task.Delay(WarmUp);
            var from = DateTime.UtcNow;
            var cpuBefore = CpuSeconds(host.Id);
            var rss = new List<double>();
            var wall = Stopwatch.StartNew();
            while (wall.Elapsed < measure)
            {
                rss.Add(RssMegabytes(host.Id));
                await Task.Delay(1000);
            }

            var cpu = (CpuSeconds(host.Id) - cpuBefore) / wall.Elapsed.TotalSeconds * 100;
            using var samples = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/freshness", UriKind.Relative)));
            var visibility = Percentiles.Of(Since(samples.RootElement.GetProperty("visibility"), from));
            var behind = Percentiles.Of(Since(samples.RootElement.GetProperty("freshness"), from));
            lines.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| ×{speed} | {visibility.Samples} | {visibility.P50:0.00} / {visibility.P95:0.00} / {visibility.P99:0.00} | {behind.P50:0.00} | {cpu:0.0} | {rss.Average():0} / {rss.Max():0} |"));
            return firstReport;
        }
        finally
        {
            await StopAsync(host);
        }
    }

    private static Process Start(string cli, string folder, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["STRATA_DASHBOARD_PORT"] = "0";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) { Console.Error.WriteLine($"    up: {line}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<Uri> WaitForUrlAsync(string folder, Process host)
    {
        var config = ConfigLoader.Load(folder, new Dictionary<string, string>(), folder);
        while (HostFile.Read(config) is not { } announced || announced.ProcessId != host.Id)
        {
            if (host.HasExited)
            {
                throw new InvalidOperationException($"strata up exited with {host.ExitCode}");
            }

            await Task.Delay(100);
        }

        return new Uri(HostFile.Read(config)!.Url);
    }

    private static async Task<bool> HasReportAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("reports/top_delivery_dates.csv", UriKind.Relative));
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 1;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static List<double> Since(JsonElement points, DateTime from) =>
        points.EnumerateArray().Where(p => p.GetProperty("at").GetDateTime().ToUniversalTime() >= from).Select(p => p.GetProperty("seconds").GetDouble()).ToList();

    /// <summary>User + system CPU time of a process, from <c>/proc/PID/stat</c> (clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static double RssMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static async Task StopAsync(Process host)
    {
        if (!host.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", host.Id.ToString(CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static async Task StopSourceAsync(string cli, string folder)
    {
        using var down = Start(cli, folder, "source", "down", "--purge");
        await down.WaitForExitAsync();
    }
}
