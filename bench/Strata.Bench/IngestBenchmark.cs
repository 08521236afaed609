using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Strata.Ingestion;
using Strata.Output;
using Strata.Source.Workload;

namespace Strata.Bench;

/// <summary>
/// Ingestion on the 10M-item data set: snapshot into DuckDB and PostgreSQL against raw binary COPY to /dev/null,
/// streaming 1M changes against pg_recvlogical draining the same changes, and commit-to-bronze latency under the workload.
/// </summary>
internal static class IngestBenchmark
{
    public static async Task<string> SnapshotAsync(BenchSource source)
    {
        var raw = await RawCopyAsync(source);
        var duck = Path.Combine(source.Directory, "bench.duckdb");
        DeleteDuckDb(duck);
        await DropSlotAsync(source, "strata_bench_duck");
        var (duckRows, duckSeconds) = await SnapshotIntoAsync(source, ("STRATA_INGEST_PIPELINE", "bench_duck"), ("STRATA_WAREHOUSE_PATH", duck));
        var peak = Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024;

        await DropSlotAsync(source, "strata_bench_pg");
        await source.ExecuteAsync("SELECT 1"); // keep the connection warm
        await DropWarehouseDatabaseAsync(source, "strata_bench_wh");

        var (pgRows, pgSeconds) = await SnapshotIntoAsync(source,
            ("STRATA_INGEST_PIPELINE", "bench_pg"), ("STRATA_WAREHOUSE_ENGINE", "postgres"), ("STRATA_WAREHOUSE_DATABASE", "strata_bench_wh"));
        await DropSlotAsync(source, "strata_bench_pg");
        (long Rows, double Seconds) native;
        await using (var peer = await NativeReplicationPeer.StartAsync(source))
        {
            native = await peer.InitialSyncAsync();
        }

        var rawRate = raw.Rows / raw.Seconds;
        return string.Create(CultureInfo.InvariantCulture, $"""
            | path | rows | seconds | rows/s | ratio |
            | --- | ---: | ---: | ---: | ---: |
            | `psql -c "COPY … TO STDOUT (FORMAT binary)" > /dev/null`, every published table (ceiling) | {raw.Rows:N0} | {raw.Seconds:0.0} | {rawRate:N0} | 1.00 |
            | `strata ingest` snapshot into DuckDB | {duckRows:N0} | {duckSeconds:0.0} | {duckRows / duckSeconds:N0} | {duckRows / duckSeconds / rawRate:0.00} |
            | `strata ingest` snapshot into PostgreSQL (same server) | {pgRows:N0} | {pgSeconds:0.0} | {pgRows / pgSeconds:N0} | {pgRows / pgSeconds / rawRate:0.00} |
            | peer: PostgreSQL logical replication, initial sync into a second local cluster (`binary = true`, `streaming = on`) | {native.Rows:N0} | {native.Seconds:0.0} | {native.Rows / native.Seconds:N0} | {native.Rows / native.Seconds / rawRate:0.00} |

            Peak memory (RSS) of the process during the DuckDB snapshot: {peak:N0} MB.
            """);
    }

    public static async Task<string> StreamingAsync(BenchSource source, int changes)
    {
        var config = source.Config(("STRATA_INGEST_PIPELINE", "bench_duck"), ("STRATA_WAREHOUSE_PATH", Path.Combine(source.Directory, "bench.duckdb")));
        // The table exists before the catch-up run, so that run snapshots it and its changes below are streamed (a
        // table that joins the publication mid-stream is snapshotted instead, and the benchmark would measure nothing).
        await source.ExecuteAsync("CREATE TABLE IF NOT EXISTS operations.bench_stream (id bigint PRIMARY KEY, v int, note text)");
        await new IngestionService(config, Strata.Platform.Warehouses.Opener(config), NullConsole.Instance).RunAsync(new IngestOptions { Once = true });
        // The same changes streamed as text, from a slot and a warehouse of their own, for the binary/text contrast.
        var textConfig = source.Config(("STRATA_INGEST_PIPELINE", "bench_text"), ("STRATA_WAREHOUSE_PATH", Path.Combine(source.Directory, "bench_text.duckdb")));
        await new IngestionService(textConfig, Strata.Platform.Warehouses.Opener(textConfig), NullConsole.Instance).RunAsync(new IngestOptions { Once = true, BinaryValues = false });
        await DropSlotAsync(source, "bench_recv");
        await source.ExecuteAsync("SELECT pg_create_logical_replication_slot('bench_recv', 'pgoutput')");
        // The peer's subscription is synced, then waits (disabled) while the changes are made, like the two slots.
        await using var peer = await NativeReplicationPeer.StartAsync(source);
        await peer.PrepareApplyAsync();
        await source.ExecuteAsync("""
            CREATE OR REPLACE PROCEDURE operations.bench_changes(wanted bigint) LANGUAGE plpgsql AS $$
            DECLARE made bigint := 0; i int := 0; size int; base bigint;
            BEGIN
                SELECT coalesce(max(id), 0) INTO base FROM operations.bench_stream;
                WHILE made < wanted LOOP
                    i := i + 1;
                    size := 1 + (i * 37) % 100;
                    IF i % 2 = 1 OR base < size THEN
                        INSERT INTO operations.bench_stream SELECT base + g, g, 'row ' || (base + g) FROM generate_series(1, size) g;
                        base := base + size;
                    ELSE
                        UPDATE operations.bench_stream SET v = v + 1 WHERE id > base - size;
                    END IF;
                    made := made + size;
                    COMMIT;
                END LOOP;
            END $$;
            """);
        await source.ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"CALL operations.bench_changes({changes})"));
        var end = await source.ScalarAsync<string>("SELECT pg_current_wal_insert_lsn()::text");

        var builder = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        var recv = new ProcessStartInfo("pg_recvlogical")
        {
            ArgumentList =
            {
                "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", builder.Database!,
                "-S", "bench_recv", "--start", "-E", end, "-o", "proto_version=1", "-o", "publication_names=strata_publication", "-f", "/dev/null",
            },
            Environment = { ["PGPASSWORD"] = builder.Password },
            RedirectStandardError = true,
        };
        var clock = Stopwatch.StartNew();
        double recvServer;
        await using (var walsender = WalsenderCpu.Watch(source, "bench_recv"))
        {
            using (var process = Process.Start(recv)!)
            {
                await process.WaitForExitAsync();
            }

            recvServer = await walsender.SecondsAsync();
        }

        var recvSeconds = clock.Elapsed.TotalSeconds;
        await DropSlotAsync(source, "bench_recv");

        var (result, strataSeconds, strataServer, strataClient) = await StreamOnceAsync(source, config, "strata_bench_duck", binary: true);
        if (result.Changes < changes || result.SnapshotRows > 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"the streaming benchmark streamed {result.Changes:N0} changes (and snapshotted {result.SnapshotRows:N0} rows) where {changes:N0} were made: it measured nothing, no figure printed"));
        }

        var (text, textSeconds, textServer, textClient) = await StreamOnceAsync(source, textConfig, "strata_bench_text", binary: false);
        if (text.Changes != result.Changes || text.Values != "text")
        {
            throw new InvalidOperationException($"the text run streamed {text.Changes:N0} changes as {text.Values} where the binary run streamed {result.Changes:N0}: no figure printed");
        }

        var peerSeconds = await peer.ApplyAsync(end);
        var recvRate = result.Changes / recvSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"""
            | path | changes | seconds | changes/s | ratio | walsender busy | client CPU s |
            | --- | ---: | ---: | ---: | ---: | ---: | ---: |
            | `pg_recvlogical` (pgoutput) draining the changes to /dev/null (ceiling) | {result.Changes:N0} | {recvSeconds:0.0} | {recvRate:N0} | 1.00 | {recvServer / recvSeconds:P0} | |
            | `strata ingest --once` into DuckDB, exactly once (batch + checkpoint per transaction, ack after commit), values {result.Values} (`ingest.binary: true`) | {result.Changes:N0} | {strataSeconds:0.0} | {result.Changes / strataSeconds:N0} | {result.Changes / strataSeconds / recvRate:0.00} | {strataServer / strataSeconds:P0} | {strataClient:0.0} |
            | `strata ingest --once` as above, values text (default) | {text.Changes:N0} | {textSeconds:0.0} | {text.Changes / textSeconds:N0} | {text.Changes / textSeconds / recvRate:0.00} | {textServer / textSeconds:P0} | {textClient:0.0} |
            | peer: PostgreSQL logical replication applying them in a second local cluster (`binary = true`, `streaming = on`) | {result.Changes:N0} | {peerSeconds:0.0} | {result.Changes / peerSeconds:N0} | {result.Changes / peerSeconds / recvRate:0.00} | | |

            {result.Transactions:N0} source transactions of 1–100 inserts or updates. Walsender busy: the CPU time of the
            server process decoding the slot over the run's seconds (100% = one core); the walsender needed
            {recvServer:0.0} s of CPU to decode them for `pg_recvlogical`. Client CPU: the Strata process's CPU
            seconds over the run (both cores count).
            """);
    }

    /// <summary>One `ingest --once` run of <paramref name="config"/>'s pipeline: its result, seconds, and the CPU seconds of its walsender and of this process.</summary>
    private static async Task<(IngestResult Result, double Seconds, double Server, double Client)> StreamOnceAsync(BenchSource source, Strata.Configuration.StrataConfig config, string slot, bool binary)
    {
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await using var walsender = WalsenderCpu.Watch(source, slot);
        var result = await new IngestionService(config, Strata.Platform.Warehouses.Opener(config), NullConsole.Instance).RunAsync(new IngestOptions { Once = true, BinaryValues = binary });
        var seconds = clock.Elapsed.TotalSeconds;
        var server = await walsender.SecondsAsync();
        self.Refresh();
        return (result, seconds, server, (self.TotalProcessorTime - cpu).TotalSeconds);
    }

    /// <summary>
    /// One source transaction of <paramref name="rows"/> inserts while ingestion follows the slot: the time from its
    /// commit to all of it in bronze, sent after its commit (pgoutput v1) and streamed while it runs (v2), in the same
    /// run. Run alone: the peak working set is per process.
    /// </summary>
    public static async Task<string> LargeTransactionAsync(BenchSource source, int rows)
    {
        var config = source.Config(("STRATA_INGEST_PIPELINE", "bench_duck"), ("STRATA_WAREHOUSE_PATH", Path.Combine(source.Directory, "bench.duckdb")));
        await source.ExecuteAsync("CREATE TABLE IF NOT EXISTS operations.bench_large (id bigint PRIMARY KEY, v int, note text)");
        await new IngestionService(config, Strata.Platform.Warehouses.Opener(config), NullConsole.Instance).RunAsync(new IngestOptions { Once = true });
        await source.ExecuteAsync("TRUNCATE operations.bench_large");
        var lines = new List<string>();
        foreach (var (label, streamInProgress) in new[] { ("sent after its commit (pgoutput v1, default)", false), ("streamed while it runs (pgoutput v2, `ingest.stream_in_progress: true`)", true) })
        {
            var landed = new TaskCompletionSource<(DateTime Commit, DateTime InBronze)>(TaskCreationOptions.RunContinuationsAsynchronously);
            var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            long written = 0;
            var options = new IngestOptions
            {
                StreamInProgress = streamInProgress,
                OnStreaming = () => streaming.TrySetResult(),
                OnCommitted = commit =>
                {
                    if (Interlocked.Add(ref written, commit.Changes) >= rows)
                    {
                        landed.TrySetResult((commit.CommitTimes.Max(), commit.CommittedAt));
                    }
                },
            };
            using var stop = new CancellationTokenSource();
            var ingest = new IngestionService(config, Strata.Platform.Warehouses.Opener(config), NullConsole.Instance).RunAsync(options, stop.Token);
            await streaming.Task.WaitAsync(TimeSpan.FromMinutes(2));
            using var process = Process.GetCurrentProcess();
            var before = process.WorkingSet64;
            var clock = Stopwatch.StartNew();
            await source.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
                $"BEGIN; TRUNCATE operations.bench_large; INSERT INTO operations.bench_large SELECT g, g, 'row ' || g FROM generate_series(1, {rows}) g; COMMIT"));
            var transactionSeconds = clock.Elapsed.TotalSeconds;
            var (commit, inBronze) = await landed.Task.WaitAsync(TimeSpan.FromMinutes(10));
            await stop.CancelAsync();
            await ingest;
            process.Refresh();
            var seconds = (inBronze - commit).TotalSeconds;
            if (written < rows || seconds <= 0)
            {
                throw new InvalidOperationException($"the large-transaction benchmark saw {written:N0} of {rows:N0} changes land: it measured nothing, no figure printed");
            }

            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {written:N0} | {transactionSeconds:0.0} | {seconds:0.0} | {before / 1024 / 1024:N0} | {process.PeakWorkingSet64 / 1024 / 1024:N0} |"));
        }

        return $"""
            | one transaction of {rows:N0} inserts (after a TRUNCATE), ingestion following | changes | transaction runs (s) | its commit → all in bronze (s) | RSS before (MB) | peak RSS (MB) |
            | --- | ---: | ---: | ---: | ---: | ---: |
            {string.Join(Environment.NewLine, lines)}
            """;
    }

    public static async Task<string> LatencyAsync(BenchSource source, TimeSpan duration)
    {
        var config = source.Config(("STRATA_INGEST_PIPELINE", "bench_duck"), ("STRATA_WAREHOUSE_PATH", Path.Combine(source.Directory, "bench.duckdb")));
        var latencies = new List<double>();
        using var stop = new CancellationTokenSource();
        var options = new IngestOptions
        {
            OnCommitted = commit =>
            {
                lock (latencies)
                {
                    latencies.AddRange(commit.CommitTimes.Select(c => (commit.CommittedAt - c).TotalMilliseconds));
                }
            },
        };
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        options = options with { OnStreaming = () => streaming.TrySetResult() };
        var ingest = new IngestionService(config, Strata.Platform.Warehouses.Opener(config), NullConsole.Instance).RunAsync(options, stop.Token);
        // Catching up is not latency: the workload starts once the slot has confirmed everything written before it.
        await streaming.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var caughtUp = await source.ScalarAsync<string>("SELECT pg_current_wal_insert_lsn()::text");
        var clock = Stopwatch.StartNew();
        while (!await source.ScalarAsync<bool>($"SELECT coalesce(bool_or(confirmed_flush_lsn >= '{caughtUp}'), false) FROM pg_replication_slots WHERE slot_name = 'strata_bench_duck'"))
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("the latency benchmark's ingestion never caught up with the slot: it measured nothing, no figure printed");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        lock (latencies)
        {
            latencies.Clear();
        }

        await source.Service.SimulateAsync(new SimulateOptions { Speed = 100, Duration = duration });
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stop.CancelAsync();
        await ingest;
        latencies.Sort();
        if (latencies.Count == 0)
        {
            throw new InvalidOperationException("the latency benchmark saw no transaction land: it measured nothing, no figure printed");
        }

        double Percentile(double p) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(p * latencies.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"""
            | measure | p50 | p95 | p99 | max |
            | --- | ---: | ---: | ---: | ---: |
            | source commit → bronze commit (ms), `simulate --speed 100` for {duration.TotalSeconds:0} s, {latencies.Count:N0} transactions | {Percentile(0.5):0} | {Percentile(0.95):0} | {Percentile(0.99):0} | {latencies.LastOrDefault():0} |
            """);
    }

    private static async Task<(long Rows, double Seconds)> SnapshotIntoAsync(BenchSource source, params (string, string)[] overrides)
    {
        var clock = Stopwatch.StartNew();
        var result = await new IngestionService(source.Config(overrides), Strata.Platform.Warehouses.Opener(source.Config(overrides)), NullConsole.Instance).RunAsync(new IngestOptions { Once = true });
        return (result.SnapshotRows, clock.Elapsed.TotalSeconds);
    }

    private static async Task<(long Rows, double Seconds)> RawCopyAsync(BenchSource source)
    {
        var builder = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        var tables = await PublishedTablesAsync(source);
        var rows = await PublishedRowsAsync(source);
        var clock = Stopwatch.StartNew();
        foreach (var table in tables)
        {
            var info = new ProcessStartInfo("psql")
            {
                ArgumentList =
                {
                    "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", builder.Database!,
                    "-c", $"COPY operations.{table} TO STDOUT (FORMAT binary)", "-o", "/dev/null",
                },
                Environment = { ["PGPASSWORD"] = builder.Password },
            };
            using var process = Process.Start(info)!;
            await process.WaitForExitAsync();
        }

        return (rows, clock.Elapsed.TotalSeconds);
    }

    private static async Task<string[]> PublishedTablesAsync(BenchSource source) =>
        (await source.ScalarAsync<string>(
            "SELECT string_agg(tablename, ',') FROM pg_publication_tables WHERE pubname = 'strata_publication' AND schemaname = 'operations'")).Split(',');

    /// <summary>
    /// The rows of every table the snapshot copies: the publication's, not just the four business tables. Fewer than a
    /// million means the data set was never seeded, and a figure from it would say nothing: that fails.
    /// </summary>
    public static async Task<long> PublishedRowsAsync(BenchSource source)
    {
        long rows = 0;
        foreach (var table in await PublishedTablesAsync(source))
        {
            rows += await source.ScalarAsync<long>($"SELECT count(*) FROM operations.{table}");
        }

        return rows >= 1_000_000 ? rows : throw new InvalidOperationException(
            $"the bench source holds {rows:N0} published rows, not the 10M-item data set: run `-- seed` first (no figure printed)");
    }

    /// <summary>Drops a slot and forgets its owner, as an operator retiring the warehouse it fed would.</summary>
    public static async Task DropSlotAsync(BenchSource source, string slot)
    {
        await source.ExecuteAsync($"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{slot}'");
        await source.ExecuteAsync(
            $"DO $$ BEGIN IF to_regclass('strata.slot_owners') IS NOT NULL THEN DELETE FROM strata.slot_owners WHERE slot_name = '{slot}'; END IF; END $$");
    }

    /// <summary>Drops a PostgreSQL warehouse database on the bench server, so the next snapshot starts from nothing.</summary>
    public static async Task DropWarehouseDatabaseAsync(BenchSource source, string database)
    {
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(source.ConnectionString) { Database = "postgres" }.ConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database}", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public static void DeleteDuckDb(string path)
    {
        File.Delete(path);
        File.Delete(path + ".wal");
    }
}
