using Strata.Ingestion.Progress;
using Strata.Testing;
using Strata.Tests.Host;
using Strata.Tests.Source;
using Xunit.Abstractions;

namespace Strata.Tests.Ingestion;

/// <summary>
/// Kill -9 of <c>strata ingest</c> at random moments, during the snapshot and while streaming, under the live workload.
/// Each kill lands where it says by construction: the process is killed only after its phase file says it is in that
/// phase, the snapshot is throttled to last seconds, and after each kill the warehouse shows which side of the
/// snapshot's commit it was on (no checkpoint yet = inside the snapshot).
/// </summary>
[Collection(HeavyTests.Name)]
[Trait(HeavyTests.Layer, HeavyTests.Name)]
public sealed class ExactlyOnceTests(ITestOutputHelper output) : SharedServerTest("exactly_once", initialize: true, server: "exactly_once")
{
    private const int SnapshotRounds = 3;
    private const int Rounds = 12;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromSeconds(90);

    private static readonly (string Table, string Key, string Columns)[] Tables =
    [
        ("orders", "order_id", "order_id, order_date, delivery_date, customer_id, status, updated_at, created_at"),
        ("order_items", "order_item_id", "order_item_id, order_id, product_id, quanity, updated_at, created_at"),
        ("customers", "customer_id", "customer_id, customer_name, is_active, customer_address, updated_at, created_at"),
        ("products", "product_id", "product_id, product_name, barcode, unity_price, is_active, updated_at, created_at"),
    ];

    [Fact]
    public async Task Kill_minus_9_at_random_moments_loses_and_duplicates_nothing()
    {
        // Where the test's time goes, in its output.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--customers", "200", "--orders", "20000", "--items-per-order", "5")).ExitCode);
        output.WriteLine($"[{clock.Elapsed.TotalSeconds:0.0} s] seeded");
        using var stopWorkload = new CancellationTokenSource();
        var workload = Project.RunAsync(stopWorkload.Token, "source", "simulate", "--speed", "250", "--delete-rate", "0.05");
        var random = new Random(20261127);
        List<(string Table, long Lsn)> committedBeforeKill = [];
        List<(string Table, long Lsn, long Rows)> rangesBeforeKill = [];
        var rangesKilledAt = DateTime.MinValue;
        for (var round = 0; round < Rounds; round++)
        {
            var inSnapshot = round < SnapshotRounds;
            // 100k items, then 20k orders, at 40 ms per 1,000 rows in ranges of about 5,000: the snapshot lasts about 5 s.
            // Round 0 is killed within its first second; round 1 once a range has committed and no table has, inside a
            // table copied in many ranges; the last snapshot round once a table has committed and others have not.
            Project.Environment["STRATA_INGEST_SNAPSHOT_PAUSE_MS"] = inSnapshot ? "40" : "0";
            Project.Environment["STRATA_INGEST_SNAPSHOT_RANGE_ROWS"] = "5000";
            var afterOneRange = round == 1;
            var afterOneTable = round == SnapshotRounds - 1;
            var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
            using var ingest = CliProcess.Start(Project, lines, "ingest");
            var stage = inSnapshot ? IngestStage.Snapshot : IngestStage.Streaming;
            IngestPhase phase;
            try
            {
                phase = afterOneTable
                    ? await Eventually.ValueAsync(
                        () => Project.ReadIngestPhase() is { Stage: IngestStage.Snapshot, TablesDone: >= 1 } p && p.ProcessId == ingest.Id ? p : null,
                        PhaseTimeout, $"ingest (pid {ingest.Id}) to commit the first table of its snapshot")
                    : afterOneRange
                    ? await Eventually.ValueAsync(
                        () => Project.ReadIngestPhase() is { Stage: IngestStage.Snapshot, RangesDone: >= 1, TablesDone: 0 } p && p.ProcessId == ingest.Id ? p : null,
                        PhaseTimeout, $"ingest (pid {ingest.Id}) to commit a range of its snapshot's first table")
                    : await Project.WaitForIngestAsync(stage, ingest.Id, PhaseTimeout);
            }
            catch (TimeoutException ex)
            {
                ingest.Kill(entireProcessTree: true);
                Assert.Fail($"round {round}: {ex.Message}; ingest printed: {string.Join(" / ", lines)}");
                throw;
            }

            var life = random.Next(0, afterOneTable || afterOneRange ? 150 : inSnapshot ? 1000 : 1500);
            await Task.Delay(life); // the random moment of the kill, not a wait for anything
            Assert.False(ingest.HasExited, $"round {round}: ingest exited by itself with {(ingest.HasExited ? ingest.ExitCode : 0)}: {string.Join(" / ", lines)}");
            ingest.Kill(entireProcessTree: true);
            await ingest.WaitForExitAsync();
            var killedAt = DateTime.UtcNow;

            var checkpoints = await CheckpointsAsync();
            output.WriteLine($"[{clock.Elapsed.TotalSeconds:0.0} s] round {round}: killed {life} ms into the {stage} (tables done {phase.TablesDone}/{phase.TablesTotal}, ranges {phase.RangesDone}); checkpoints after: {checkpoints}");
            Assert.True(inSnapshot ? checkpoints == 0 : checkpoints == 1,
                $"round {round}: the kill was meant to land {(inSnapshot ? "inside the first snapshot (no checkpoint yet)" : "while streaming (after the checkpoint)")}, " +
                $"yet the warehouse holds {checkpoints} checkpoint(s)");
            if (afterOneRange)
            {
                // Ranges of a table in flight are committed: the next start goes on from them instead of copying them again.
                rangesBeforeKill = await RangeRecordsAsync();
                Assert.NotEmpty(rangesBeforeKill);
                rangesKilledAt = killedAt;
            }

            if (afterOneTable)
            {
                // A table of the unfinished snapshot is committed: the next start has to take it out again.
                var committed = await BronzeReader.QueryAsync(Project, "SELECT count(*) FROM _strata.snapshots");
                Assert.True(Convert.ToInt64(committed[0][0], System.Globalization.CultureInfo.InvariantCulture) >= 1, "no table of the killed snapshot was committed");
                committedBeforeKill = await SnapshotRecordsAsync();
            }
        }

        await stopWorkload.CancelAsync();
        Assert.Equal(0, (await workload).ExitCode);
        Project.Environment.Remove("STRATA_INGEST_SNAPSHOT_PAUSE_MS");
        Project.Environment.Remove("STRATA_INGEST_SNAPSHOT_RANGE_ROWS");
        var catchUp = await Project.RunAsync("ingest", "--once");
        Assert.True(catchUp.ExitCode == 0, catchUp.ToString());
        output.WriteLine($"[{clock.Elapsed.TotalSeconds:0.0} s] caught up");

        // The next start went on with that snapshot: what it had committed was kept, not copied again; the other
        // tables were copied as of a newer point, or completed from their committed ranges under the older one.
        var records = await SnapshotRecordsAsync();
        Assert.NotEmpty(committedBeforeKill);
        Assert.All(committedBeforeKill, kept => Assert.Contains(kept, records));
        Assert.All(records.Where(r => committedBeforeKill.All(k => k.Table != r.Table)), r => Assert.True(r.Lsn >= committedBeforeKill[0].Lsn, $"{r.Table} was copied at {r.Lsn}"));
        Assert.Equal(Tables.Length, records.Count);
        Assert.Empty(await RangeRecordsAsync());

        // The ranges committed before the kill in round 1 are in bronze as they were written then: their table was
        // completed under their stamp, and no row of theirs was written again.
        foreach (var table in rangesBeforeKill.GroupBy(r => r.Table))
        {
            var stamp = table.First().Lsn;
            Assert.Contains((table.Key, stamp), records);
            var kept = await BronzeReader.QueryAsync(Project,
                $"SELECT count(*) FROM bronze.\"{table.Key}\" WHERE _op = 'r' AND _lsn = {stamp} AND _ingested_at < CAST('{rangesKilledAt:yyyy-MM-dd HH:mm:ss.ffffff}+00' AS TIMESTAMPTZ)");
            Assert.Equal(table.Sum(r => r.Rows), Convert.ToInt64(kept[0][0], System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var (table, key, columns) in Tables)
        {
            var source = await BronzeReader.SourceAsync(Server, Project.Database, table, key, columns);
            var bronze = await BronzeReader.StateAsync(Project, table, key, columns);
            if (!source.SequenceEqual(bronze))
            {
                await ExplainDifferenceAsync(table, key, columns, source, bronze);
            }

            Assert.True(source.SequenceEqual(bronze), $"{table}: source has {source.Count} rows, bronze rebuilds {bronze.Count}; first difference: " +
                source.Except(bronze).Concat(bronze.Except(source)).FirstOrDefault());
            var duplicates = await BronzeReader.QueryAsync(Project,
                $"SELECT count(*) FROM (SELECT _lsn, _seq FROM bronze.\"operations__{table}\" GROUP BY _lsn, _seq HAVING count(*) > 1) d");
            Assert.Equal(0L, Convert.ToInt64(duplicates[0][0], System.Globalization.CultureInfo.InvariantCulture));
        }

        output.WriteLine($"[{clock.Elapsed.TotalSeconds:0.0} s] compared with the source");
    }

    private async Task<List<(string Table, long Lsn)>> SnapshotRecordsAsync() =>
        [.. (await BronzeReader.QueryAsync(Project, "SELECT table_name, snapshot_lsn FROM _strata.snapshots WHERE table_name <> '*' ORDER BY table_name"))
            .Select(r => ((string)r[0]!, Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture)))];

    private async Task<List<(string Table, long Lsn, long Rows)>> RangeRecordsAsync() =>
        [.. (await BronzeReader.QueryAsync(Project, "SELECT table_name, snapshot_lsn, row_count FROM _strata.snapshot_ranges ORDER BY table_name, first_block"))
            .Select(r => ((string)r[0]!, Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt64(r[2], System.Globalization.CultureInfo.InvariantCulture)))];

    private async Task<long> CheckpointsAsync()
    {
        var rows = await BronzeReader.QueryAsync(Project, "SELECT count(*) FROM _strata.checkpoints");
        return Convert.ToInt64(rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExplainDifferenceAsync(string table, string key, string columns, List<string> source, List<string> bronze)
    {
        var id = source.Except(bronze).Concat(bronze.Except(source)).First().Split('|')[0];
        foreach (var row in await BronzeReader.QueryAsync(Project, $"SELECT _op, _lsn, _seq, _txid, _commit_ts, {columns} FROM bronze.\"operations__{table}\" WHERE {key} = {id} ORDER BY _lsn, _seq"))
        {
            output.WriteLine("bronze: " + string.Join(" | ", row));
        }

        output.WriteLine("source: " + string.Join(" / ", source.Where(r => r.StartsWith(id + "|", StringComparison.Ordinal))));
        foreach (var row in await BronzeReader.QueryAsync(Project, "SELECT * FROM _strata.checkpoints"))
        {
            output.WriteLine("checkpoint: " + string.Join(" | ", row));
        }
    }
}
