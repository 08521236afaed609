using Npgsql.Replication;
using Strata.Ingestion.Progress;
using Strata.Testing;
using Strata.Tests.Source;

namespace Strata.Tests.Ingestion;

/// <summary>What ingestion does when the source misbehaves: one line with the fix, or a retry that resumes exactly.</summary>
/// <remarks>On a server of its own: its waits for a slot must not queue behind other classes' long transactions.</remarks>
public sealed class IngestionFaultTests() : SharedServerTest("ingest_faults", initialize: true, server: "ingest_faults")
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "20", "--items-per-order", "2")).ExitCode);
        Project.Environment["STRATA_INGEST_HEARTBEAT_MS"] = "500";
    }

    private void UsePipeline(string name)
    {
        Project.Environment["STRATA_INGEST_PIPELINE"] = name;
        Project.Environment["STRATA_WAREHOUSE_PATH"] = Path.Combine(Project.Directory, $"{name}.duckdb");
    }

    [Fact]
    public async Task A_slot_held_by_another_process_is_one_line()
    {
        UsePipeline("held");
        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);
        await using var holder = await Server.OpenAsync(Project.Database);
        using var hold = new CancellationTokenSource();
        var replication = new Npgsql.Replication.LogicalReplicationConnection(Server.ConnectionString(Project.Database));
        await replication.Open();
        var stream = Task.Run(async () =>
        {
            try
            {
                var slot = new Npgsql.Replication.PgOutput.PgOutputReplicationSlot("strata_held");
                var options = new Npgsql.Replication.PgOutput.PgOutputReplicationOptions("pub_ingest_faults", Npgsql.Replication.PgOutput.PgOutputProtocolVersion.V1);
                await foreach (var _ in replication.StartReplication(slot, options, hold.Token))
                {
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        await Eventually.TrueAsync(
            async () => await Server.ScalarAsync<bool>("SELECT coalesce(bool_or(active), false) FROM pg_replication_slots WHERE slot_name = 'strata_held'"),
            Timeout, "the other connection to hold slot strata_held");

        var result = await Project.RunAsync("ingest", "--once");

        await hold.CancelAsync();
        await stream;
        await replication.DisposeAsync();
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.Matches(@"^error: replication slot strata_held on 127\.0\.0\.1:\d+ is in use by another process \(pid \d+\); stop the other `strata ingest`", result.Error);
    }

    [Fact]
    public async Task A_dropped_slot_says_resync_recovers()
    {
        UsePipeline("dropped");
        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);
        await Server.ExecuteAsync("SELECT pg_drop_replication_slot('strata_dropped')", Project.Database);

        var result = await Project.RunAsync("ingest", "--once");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.Contains("replication slot strata_dropped is missing", result.Error, StringComparison.Ordinal);
        Assert.Contains("run `strata ingest --resync`", result.Error, StringComparison.Ordinal);

        await Server.ExecuteAsync("UPDATE operations.customers SET customer_address = 'moved while the slot was gone'", Project.Database);
        var recovered = await Project.RunAsync("ingest", "--once", "--resync");
        Assert.True(recovered.ExitCode == 0, recovered.ToString());
        const string columns = "customer_id, customer_name, is_active, customer_address";
        Assert.Equal(
            await BronzeReader.SourceAsync(Server, Project.Database, "customers", "customer_id", columns),
            await BronzeReader.StateAsync(Project, "customers", "customer_id", columns));
    }

    [Fact]
    public async Task A_login_without_replication_is_told_the_fix()
    {
        UsePipeline("noreplication");
        await Server.ExecuteAsync($"ALTER ROLE {Project.CdcUser} NOREPLICATION");
        try
        {
            var result = await Project.RunAsync("ingest", "--once");

            Assert.Equal(1, result.ExitCode);
            Assert.Single(result.ErrorLines);
            Assert.Contains($"login {Project.CdcUser} may not open a replication connection", result.Error, StringComparison.Ordinal);
            Assert.Contains("run `strata source init`", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            await Server.ExecuteAsync($"ALTER ROLE {Project.CdcUser} REPLICATION");
        }
    }

    [Fact]
    public async Task A_lost_connection_is_retried_and_resumes_from_the_checkpoint()
    {
        UsePipeline("retry");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ingest = Project.RunAsync(stop.Token, "ingest");
        await Project.WaitForIngestAsync(IngestStage.Streaming, Environment.ProcessId, Timeout);
        var first = await WalSenderAsync("strata_retry", exceptPid: 0);
        await InsertAndWaitForTheSlotAsync("before the cut");
        await Server.ExecuteAsync($"SELECT pg_terminate_backend({first})");
        await Server.ExecuteAsync("INSERT INTO operations.customers (customer_name) VALUES ('after the cut')", Project.Database);
        var second = await WalSenderAsync("strata_retry", exceptPid: first);
        await InsertAndWaitForTheSlotAsync("after the reconnect");
        await stop.CancelAsync();

        var result = await ingest;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotEqual(first, second);
        var rows = await BronzeReader.QueryAsync(Project,
            "SELECT customer_name, count(*) FROM bronze.operations__customers WHERE customer_name IN ('before the cut', 'after the cut', 'after the reconnect') GROUP BY customer_name ORDER BY 1");
        Assert.Equal(["after the cut", "after the reconnect", "before the cut"], rows.Select(r => (string)r[0]!));
        Assert.All(rows, r => Assert.Equal(1L, Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task An_idle_source_still_advances_the_slot()
    {
        UsePipeline("heartbeat");
        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);
        var before = await Server.ScalarAsync<string>("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = 'strata_heartbeat'");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ingest = Project.RunAsync(stop.Token, "ingest");
        await Project.WaitForIngestAsync(IngestStage.Streaming, Environment.ProcessId, Timeout);
        // Another database writes WAL; nothing published changes.
        await Server.ExecuteAsync("CREATE TABLE IF NOT EXISTS elsewhere (id int); INSERT INTO elsewhere SELECT generate_series(1, 10000)");
        await Server.WaitForSlotToConfirmAsync("strata_heartbeat", Timeout, $"WAL of another database only, by heartbeats (confirmed position before: {before})");
        await stop.CancelAsync();
        Assert.Equal(0, (await ingest).ExitCode);
    }

    [Fact]
    public async Task A_full_resync_that_is_interrupted_is_taken_again_and_loses_nothing()
    {
        UsePipeline("interrupted");
        await Server.ExecuteAsync("CREATE TABLE operations.bulk (id int PRIMARY KEY, note text); INSERT INTO operations.bulk SELECT g, 'row ' || g FROM generate_series(1, 40000) g", Project.Database);
        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);

        // The slot is lost; a change commits meanwhile; the full resync that recreates the slot is stopped halfway.
        await Server.ExecuteAsync("SELECT pg_drop_replication_slot('strata_interrupted')");
        await Server.ExecuteAsync("INSERT INTO operations.customers (customer_name) VALUES ('while the slot was lost')", Project.Database);
        Project.Environment["STRATA_INGEST_SNAPSHOT_PAUSE_MS"] = "50";
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            var resync = Project.RunAsync(stop.Token, "ingest", "--resync");
            await Eventually.ValueAsync(
                () => Project.ReadIngestPhase() is { Stage: IngestStage.Snapshot, TablesDone: >= 1 } p && p.ProcessId == Environment.ProcessId ? p : null,
                Timeout, "the full resync to commit its first table");
            await stop.CancelAsync();
            await resync;
        }

        var point = await ScalarAsync("SELECT snapshot_lsn FROM _strata.snapshots WHERE pipeline = 'interrupted' AND table_name = '*'");
        var committed = await RecordsAsync($"snapshot_lsn >= {point}");
        Assert.NotEmpty(committed);
        Project.Environment.Remove("STRATA_INGEST_SNAPSHOT_PAUSE_MS");
        await Server.ExecuteAsync("INSERT INTO operations.customers (customer_name) VALUES ('after the interruption')", Project.Database);

        // The new slot is ahead of the old checkpoint: the next run must not stream from it, but go on with the resync —
        // keeping what it committed, copying the rest as of a newer point.
        var next = await Project.RunAsync("ingest", "--once");
        Assert.True(next.ExitCode == 0, next.ToString());
        await Reconciled.AssertEqualAsync(Project, tables: 5);
        var after = await RecordsAsync($"snapshot_lsn >= {point}");
        Assert.All(committed, kept => Assert.Contains(kept, after));
        Assert.DoesNotContain(after, r => committed.Any(k => k.Table == r.Table) && r.Lsn > point);
        Assert.All(after.Where(r => !committed.Contains(r)), r => Assert.True(r.Lsn > point, $"{r.Table} was copied at {r.Lsn}, not after the resync's point {point}"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM _strata.snapshots WHERE pipeline = 'interrupted' AND table_name = '*'"));
    }

    private async Task<long> ScalarAsync(string sql) =>
        Convert.ToInt64((await BronzeReader.QueryAsync(Project, sql))[0][0], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_resync_stopped_after_some_ranges_goes_on_from_them_while_rows_move_between_ranges()
    {
        UsePipeline("ranged");
        await Server.ExecuteAsync(
            "CREATE TABLE operations.ranged (id int PRIMARY KEY, note text); INSERT INTO operations.ranged SELECT g, 'row ' || g FROM generate_series(1, 40000) g; " +
            "ANALYZE operations.ranged", Project.Database);
        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);

        // A resync of the table in ranges of about 2,000 rows, stopped once three have committed.
        Project.Environment["STRATA_INGEST_SNAPSHOT_PAUSE_MS"] = "50";
        Project.Environment["STRATA_INGEST_SNAPSHOT_RANGE_ROWS"] = "2000";
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            var resync = Project.RunAsync(stop.Token, "ingest", "--resync", "operations.ranged");
            await Eventually.ValueAsync(
                () => Project.ReadIngestPhase() is { Stage: IngestStage.Snapshot, RangesDone: >= 3 } p && p.ProcessId == Environment.ProcessId ? p : null,
                Timeout, "the resync to commit three ranges");
            await stop.CancelAsync();
            await resync;
        }

        var stoppedAt = DateTime.UtcNow;
        var ranges = await BronzeReader.QueryAsync(Project, "SELECT snapshot_lsn, first_block, row_count FROM _strata.snapshot_ranges WHERE pipeline = 'ranged' AND table_name = 'operations__ranged'");
        Assert.True(ranges.Count >= 3, $"{ranges.Count} range(s) recorded");
        var stamp = Convert.ToInt64(ranges[0][0], System.Globalization.CultureInfo.InvariantCulture);
        var keptRows = ranges.Sum(r => Convert.ToInt64(r[2], System.Globalization.CultureInfo.InvariantCulture));

        // Meanwhile rows of the committed ranges are updated (their new versions land in blocks not copied yet) and
        // deleted, rows not copied yet are deleted, and rows are added.
        await Server.ExecuteAsync(
            "UPDATE operations.ranged SET note = 'moved ' || id WHERE id <= 1500; DELETE FROM operations.ranged WHERE id BETWEEN 1600 AND 1700 OR id BETWEEN 30000 AND 30100; " +
            "INSERT INTO operations.ranged SELECT g, 'late ' || g FROM generate_series(40001, 41000) g", Project.Database);
        Project.Environment.Remove("STRATA_INGEST_SNAPSHOT_PAUSE_MS");

        // The next run completes the table from its committed ranges, under their stamp, and streams every change since.
        var next = await Project.RunAsync("ingest", "--once");
        Assert.True(next.ExitCode == 0, next.ToString());
        Project.Environment.Remove("STRATA_INGEST_SNAPSHOT_RANGE_ROWS");
        Assert.Contains(("operations__ranged", stamp), await RecordsAsync("true", "ranged"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM _strata.snapshot_ranges WHERE pipeline = 'ranged'"));
        Assert.Equal(keptRows, await ScalarAsync(
            $"SELECT count(*) FROM bronze.operations__ranged WHERE _op = 'r' AND _lsn = {stamp} AND _ingested_at < CAST('{stoppedAt:yyyy-MM-dd HH:mm:ss.ffffff}+00' AS TIMESTAMPTZ)"));
        var published = await Server.ScalarAsync<long>("SELECT count(*) FROM pg_publication_tables", Project.Database);
        await Reconciled.AssertEqualAsync(Project, tables: (int)published);
    }

    /// <summary>The pipeline's table snapshot records matching <paramref name="where"/>.</summary>
    private async Task<List<(string Table, long Lsn)>> RecordsAsync(string where, string pipeline = "interrupted") =>
        [.. (await BronzeReader.QueryAsync(Project, $"SELECT table_name, snapshot_lsn FROM _strata.snapshots WHERE pipeline = '{pipeline}' AND table_name <> '*' AND {where}"))
            .Select(r => ((string)r[0]!, Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture)))];

    /// <summary>Waits until a walsender other than <paramref name="exceptPid"/> streams from the slot; returns its pid.</summary>
    private async Task<int> WalSenderAsync(string slot, int exceptPid)
    {
        var pid = await Eventually.ValueAsync<int?>(
            async () =>
            {
                var found = await Server.ScalarAsync<int>(
                    $"SELECT coalesce(max(r.pid), 0) FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid " +
                    $"WHERE s.slot_name = '{slot}' AND r.state = 'streaming' AND r.pid <> {exceptPid}");
                return found != 0 ? found : null;
            },
            Timeout, $"a walsender other than {exceptPid} to stream from slot {slot}");
        return pid!.Value;
    }

    /// <summary>Inserts a customer and waits until the slot confirms its commit (ingestion acknowledges only after the warehouse commit).</summary>
    private async Task InsertAndWaitForTheSlotAsync(string name)
    {
        await Server.ExecuteAsync($"INSERT INTO operations.customers (customer_name) VALUES ('{name}')", Project.Database);
        await Server.WaitForSlotToConfirmAsync("strata_retry", Timeout, $"the insert of '{name}'");
    }
}
