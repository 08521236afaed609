using System.Diagnostics;
using System.Globalization;
using Strata.Ingestion;
using Strata.Output;
using Strata.Platform;

namespace Strata.Bench;

/// <summary>
/// The snapshot into the PostgreSQL warehouse with one copy at a time against two (<c>--threads</c>), alternated twice in
/// the same run: the 10M-item data set is one 10M-row table (<c>order_items</c>, ten block ranges) and three small ones,
/// so two workers means two ranges of that table at once. DuckDB has one writer and is not measured here.
/// </summary>
internal static class SnapshotWorkersBenchmark
{
    private const string Pipeline = "bench_workers";
    private const string Database = "strata_bench_workers";

    public static async Task<string> RunAsync(BenchSource source)
    {
        var total = await IngestBenchmark.PublishedRowsAsync(source);
        var best = new Dictionary<int, double>();
        foreach (var workers in new[] { 1, 2, 1, 2 })
        {
            var seconds = await SnapshotAsync(source, workers, total);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workers} worker(s): {seconds:0.0} s"));
            best[workers] = Math.Min(best.GetValueOrDefault(workers, double.MaxValue), seconds);
        }

        await IngestBenchmark.DropSlotAsync(source, $"strata_{Pipeline}");
        return string.Create(CultureInfo.InvariantCulture, $"""
            | workers (`--threads`), PostgreSQL warehouse on the source's server | rows | seconds (best of 2) | rows/s | ratio |
            | ---: | ---: | ---: | ---: | ---: |
            | 1 | {total:N0} | {best[1]:0.0} | {total / best[1]:N0} | 1.00 |
            | 2 | {total:N0} | {best[2]:0.0} | {total / best[2]:N0} | {best[1] / best[2]:0.00} |
            """);
    }

    /// <summary>One whole snapshot into a new warehouse database, from a new slot; fails unless it copied every published row.</summary>
    private static async Task<double> SnapshotAsync(BenchSource source, int workers, long total)
    {
        await IngestBenchmark.DropSlotAsync(source, $"strata_{Pipeline}");
        await IngestBenchmark.DropWarehouseDatabaseAsync(source, Database);

        var config = source.Config(("STRATA_INGEST_PIPELINE", Pipeline), ("STRATA_WAREHOUSE_ENGINE", "postgres"), ("STRATA_WAREHOUSE_DATABASE", Database));
        var clock = Stopwatch.StartNew();
        var result = await new IngestionService(config, Warehouses.Opener(config), NullConsole.Instance).RunAsync(new IngestOptions { Once = true, Threads = workers });
        var seconds = clock.Elapsed.TotalSeconds;
        if (result.SnapshotRows != total)
        {
            throw new InvalidOperationException($"the snapshot with {workers} worker(s) copied {result.SnapshotRows:N0} of {total:N0} published rows: no figure printed");
        }

        return seconds;
    }
}
