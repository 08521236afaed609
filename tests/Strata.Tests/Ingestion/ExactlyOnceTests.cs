using Strata.Testing;
using Strata.Tests.Source;
using Xunit.Abstractions;

namespace Strata.Tests.Ingestion;

/// <summary>Kill -9 of <c>strata ingest</c> at random moments, during the snapshot and while streaming, under the live workload.</summary>
public sealed class ExactlyOnceTests(ITestOutputHelper output) : SharedServerTest("exactly_once", initialize: true)
{
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
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--customers", "200", "--orders", "20000", "--items-per-order", "5")).ExitCode);
        using var stopWorkload = new CancellationTokenSource();
        var workload = Project.RunAsync(stopWorkload.Token, "source", "simulate", "--speed", "1000", "--delete-rate", "0.05");
        var random = new Random(20261127);
        var kills = 0;
        var killedDuringSnapshot = 0;
        var killedWhileStreaming = 0;
        for (var round = 0; round < 12; round++)
        {
            var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
            using var ingest = CliProcess.Start(Project, lines, "ingest");
            // The first rounds die inside the snapshot, the rest while streaming, each at a random moment of that phase.
            var wanted = round < 3 ? "snapshot" : "streaming";
            var phase = await WaitForPhaseAsync(wanted, ingest, lines);
            var life = random.Next(0, wanted == "snapshot" ? 300 : 1500);
            await Task.Delay(life);
            if (ingest.HasExited)
            {
                output.WriteLine($"round {round}: ingest exited by itself with {ingest.ExitCode}: {string.Join(" / ", lines)}");
                continue;
            }

            ingest.Kill(entireProcessTree: true);
            await ingest.WaitForExitAsync();
            kills++;
            killedDuringSnapshot += phase == "snapshot" ? 1 : 0;
            killedWhileStreaming += phase == "streaming" ? 1 : 0;
            output.WriteLine($"round {round}: killed {life} ms into the {phase}; it printed: {string.Join(" / ", lines.Take(4))}");
        }

        await stopWorkload.CancelAsync();
        Assert.Equal(0, (await workload).ExitCode);
        var catchUp = await Project.RunAsync("ingest", "--once");
        Assert.True(catchUp.ExitCode == 0, catchUp.ToString());

        Assert.True(kills >= 10, $"only {kills} kills");
        Assert.True(killedDuringSnapshot >= 1, "no kill landed inside the snapshot");
        Assert.True(killedWhileStreaming >= 5, $"only {killedWhileStreaming} kills landed while streaming");
        foreach (var (table, key, columns) in Tables)
        {
            var source = await BronzeReader.SourceAsync(Server, Project.Database, table, key, columns);
            var bronze = await BronzeReader.StateAsync(Project, table, key, columns);
            if (!source.SequenceEqual(bronze))
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

            Assert.True(source.SequenceEqual(bronze), $"{table}: source has {source.Count} rows, bronze rebuilds {bronze.Count}; first difference: " +
                source.Except(bronze).Concat(bronze.Except(source)).FirstOrDefault());
            var duplicates = await BronzeReader.QueryAsync(Project,
                $"SELECT count(*) FROM (SELECT _lsn, _seq FROM bronze.\"operations__{table}\" GROUP BY _lsn, _seq HAVING count(*) > 1) d");
            Assert.Equal(0L, Convert.ToInt64(duplicates[0][0], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private async Task<string> WaitForPhaseAsync(string wanted, System.Diagnostics.Process ingest, System.Collections.Concurrent.ConcurrentQueue<string> lines)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var phase = await PhaseAsync(lines);
        while (phase != wanted && DateTime.UtcNow < deadline && !ingest.HasExited)
        {
            await Task.Delay(25);
            phase = await PhaseAsync(lines);
        }

        return phase;
    }

    /// <summary>
    /// What the ingest process is doing: streaming as the source server sees it; in the snapshot from the line it
    /// prints just before copying (a short snapshot can finish between two looks at the server's COPY), or while the
    /// server shows its COPY.
    /// </summary>
    private async Task<string> PhaseAsync(System.Collections.Concurrent.ConcurrentQueue<string> lines)
    {
        if (await Server.ScalarAsync<long>("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'strata ingest' AND state IN ('catchup', 'streaming')") > 0)
        {
            return "streaming";
        }

        return lines.Any(l => l.Contains("taking a consistent snapshot", StringComparison.Ordinal)) || await Server.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'strata ingest' AND query LIKE 'COPY%' AND state = 'active'") > 0
            ? "snapshot"
            : "starting";
    }
}
