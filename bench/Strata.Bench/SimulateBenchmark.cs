using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Strata.Source.Workload;

namespace Strata.Bench;

/// <summary>
/// <c>source simulate --speed 1000</c>: sustained operations per second, against the commit ceiling of the same
/// server measured in the same run (one-row INSERT transactions on as many connections as the workload uses).
/// </summary>
internal static class SimulateBenchmark
{
    public static async Task<string> RunAsync(BenchSource source, TimeSpan duration)
    {
        var options = new SimulateOptions { Speed = 1000, Duration = duration, Seed = 1 };
        var ceiling = await CommitCeilingAsync(source, options.OrderWorkers + 2, TimeSpan.FromSeconds(15));

        var clock = Stopwatch.StartNew();
        var stats = await source.Service.SimulateAsync(options);
        clock.Stop();
        var rate = stats.Total / clock.Elapsed.TotalSeconds;
        var achieved = stats.WorkloadTime / clock.Elapsed;
        return string.Create(CultureInfo.InvariantCulture, $"""
            | path | seconds | transactions/s | ratio |
            | --- | ---: | ---: | ---: |
            | one-row `INSERT` + commit, {options.OrderWorkers + 2} connections (ceiling) | 15 | {ceiling:N0} | 1.00 |
            | `strata source simulate --speed 1000` | {clock.Elapsed.TotalSeconds:0} | {rate:N0} | {rate / ceiling:0.00} |

            Workload replayed: {stats.WorkloadTime.TotalMinutes:N0} min in {clock.Elapsed.TotalSeconds:0} s, i.e. speed ×{achieved:0} achieved of ×1000 asked
            ({stats.Customers:N0} customer, {stats.Products:N0} product and {stats.Orders:N0} order operations; {stats.ItemsInserted:N0} items inserted).
            """);
    }

    private static async Task<double> CommitCeilingAsync(BenchSource source, int connections, TimeSpan duration)
    {
        await source.ExecuteAsync("DROP TABLE IF EXISTS public.bench_commits; CREATE TABLE public.bench_commits (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())");
        long count = 0;
        using var stop = new CancellationTokenSource(duration);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            await using var connection = new NpgsqlConnection(source.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("INSERT INTO public.bench_commits DEFAULT VALUES", connection);
            await command.PrepareAsync();
            while (!stop.IsCancellationRequested)
            {
                await command.ExecuteNonQueryAsync();
                Interlocked.Increment(ref count);
            }
        }));
        var rate = count / clock.Elapsed.TotalSeconds;
        await source.ExecuteAsync("DROP TABLE public.bench_commits");
        return rate;
    }
}
