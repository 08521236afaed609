using System.Globalization;
using Strata.Ingestion;
using Strata.Output;
using Strata.Platform;

namespace Strata.Bench;

/// <summary>
/// A snapshot stopped halfway, then resumed: how many rows are copied twice. The first run is stopped once half the
/// published rows have been read (cancelled in-process at that count — what a kill leaves is the same: the tables
/// committed with their records, nothing of the one in flight; the kill -9 test covers the kill itself); the second
/// run goes on and copies what is left.
/// </summary>
internal static class SnapshotResumeBenchmark
{
    public static async Task<string> RunAsync(BenchSource source)
    {
        var total = await IngestBenchmark.PublishedRowsAsync(source);
        var duck = Path.Combine(source.Directory, "bench-resume.duckdb");
        IngestBenchmark.DeleteDuckDb(duck);
        await IngestBenchmark.DropSlotAsync(source, "strata_bench_resume");
        var config = source.Config(("STRATA_INGEST_PIPELINE", "bench_resume"), ("STRATA_WAREHOUSE_PATH", duck));

        using var stop = new CancellationTokenSource();
        var counting = new RowCounter(total / 2, stop);
        try
        {
            await new IngestionService(config, Warehouses.Opener(config), counting).RunAsync(new IngestOptions { Once = true }, stop.Token);
            throw new InvalidOperationException($"the snapshot of {total:N0} rows finished before half of them were read: the resume benchmark measured nothing, no figure printed");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        var resumed = await new IngestionService(config, Warehouses.Opener(config), NullConsole.Instance).RunAsync(new IngestOptions { Once = true });
        var landed = await SnapshotRowsAsync(config);
        if (landed != total || resumed.SnapshotRows == 0)
        {
            throw new InvalidOperationException(
                $"after the resumed snapshot bronze holds {landed:N0} snapshot rows of {total:N0} (the second run copied {resumed.SnapshotRows:N0}): no figure printed");
        }

        var again = counting.Rows + resumed.SnapshotRows - total;
        var rangeRows = IngestOptions.From(config).SnapshotRangeRows;
        await IngestBenchmark.DropSlotAsync(source, "strata_bench_resume");
        return string.Create(CultureInfo.InvariantCulture, $"""
            | measure | rows | share |
            | --- | ---: | ---: |
            | published rows | {total:N0} | 1.00 |
            | read by the first run when it was stopped | {counting.Rows:N0} | {(double)counting.Rows / total:0.00} |
            | copied by the resumed run | {resumed.SnapshotRows:N0} | {(double)resumed.SnapshotRows / total:0.00} |
            | **copied again** (read before the stop and again after it) | {again:N0} | {(double)again / total:0.00} |
            | copied again, in ranges of {rangeRows:N0} rows (`ingest.snapshot_range_rows`; goal ≤ 2) | {(double)again / rangeRows:0.00} ranges | |
            """);
    }

    private static async Task<long> SnapshotRowsAsync(Strata.Configuration.StrataConfig config)
    {
        await using var warehouse = await Warehouses.OpenAsync(config);
        long rows = 0;
        foreach (var row in await warehouse.QueryAsync("SELECT table_name FROM _strata.snapshots WHERE pipeline = 'bench_resume'"))
        {
            var count = await warehouse.QueryAsync($"SELECT count(*) FROM bronze.\"{row[0]}\" WHERE _op = 'r'");
            rows += Convert.ToInt64(count[0][0], CultureInfo.InvariantCulture);
        }

        return rows;
    }

    /// <summary>Counts the snapshot's rows as its progress bars advance, and stops the run at <paramref name="stopAt"/>.</summary>
    private sealed class RowCounter(long stopAt, CancellationTokenSource stop) : NullConsole
    {
        private long _rows;

        public long Rows => Interlocked.Read(ref _rows);

        public override void Increment(long amount)
        {
            if (Interlocked.Add(ref _rows, amount) >= stopAt)
            {
                stop.Cancel();
            }
        }
    }
}
