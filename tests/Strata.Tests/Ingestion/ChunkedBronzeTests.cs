using System.Globalization;
using Strata.Ingestion;
using Strata.Output;
using Strata.Tests.Source;
using Strata.Transform.Execution;
using Strata.Warehouse;

namespace Strata.Tests.Ingestion;

/// <summary>
/// Exactly once when a warehouse bounds its transactions (Snowflake's 1 MB request), on a real DuckDB told it is
/// bounded (<see cref="BoundedWarehouse"/>) and a real PostgreSQL source: a source transaction larger than the bound
/// lands in several warehouse transactions with the checkpoint only in the last; a crash between two of them leaves
/// the slot unacknowledged, the checkpoint behind and models' bound before the partial rows; the restart skips what
/// landed, and bronze then holds each change once, compared with the source itself.
/// </summary>
public sealed class ChunkedBronzeTests() : SharedServerTest("chunked_bronze", initialize: true)
{
    // A bronze row of these tables is about 300 bytes as SQL text: tens of rows per transaction.
    private const int Bound = 16 * 1024;

    private static readonly (string Table, string Key, string Columns)[] Tables =
    [
        ("orders", "order_id", "order_id, order_date, delivery_date, customer_id, status, updated_at, created_at"),
        ("order_items", "order_item_id", "order_item_id, order_id, product_id, quanity, updated_at, created_at"),
    ];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--customers", "20", "--orders", "150", "--items-per-order", "3")).ExitCode);
        Project.Environment["STRATA_INGEST_PIPELINE"] = "chunked";
        Project.Environment["STRATA_WAREHOUSE_PATH"] = Path.Combine(Project.Directory, "chunked.duckdb");
    }

    [Fact]
    public async Task A_source_transaction_over_the_bound_lands_exactly_once_across_a_crash_between_its_warehouse_transactions()
    {
        // The snapshot goes in chunks too: bronze equals the source after it.
        var first = await IngestAsync(crashAtPartialCommit: 0);
        Assert.True(first.Commits.Count(c => c.BronzeRows > 0 && !c.Checkpoint) > 0, "the snapshot was not split");
        await AssertBronzeIsTheSourceAsync();
        var before = await BronzeCountAsync();

        // One source transaction of about 650 changes in two tables: every item and order updated, one item in 7 then deleted.
        var changes = await Server.ScalarAsync<long>(
            "SELECT (SELECT count(*) FROM operations.order_items) + (SELECT count(*) FROM operations.orders) + " +
            "(SELECT count(*) FROM operations.order_items WHERE order_item_id % 7 = 0)", Project.Database);
        await Server.ExecuteAsync(
            "UPDATE operations.order_items SET quanity = quanity + 1; UPDATE operations.orders SET updated_at = updated_at + interval '1 second'; " +
            "DELETE FROM operations.order_items WHERE order_item_id % 7 = 0", Project.Database);

        var crashed = await Assert.ThrowsAsync<InvalidOperationException>(() => IngestAsync(crashAtPartialCommit: 3));
        Assert.Contains("injected crash", crashed.Message, StringComparison.Ordinal);

        // Two warehouse transactions of the source transaction are committed, without the checkpoint.
        var checkpoint = await ScalarAsync("SELECT confirmed_lsn FROM _strata.checkpoints");
        var partial = await BronzeRowsAsync($"_lsn > {checkpoint} AND _op <> 'r'");
        Assert.True(partial > 0, "nothing of the source transaction was committed before the crash");
        Assert.True(partial < changes, $"all {changes} changes were committed before the crash");
        var bigLsn = await ScalarAsync($"SELECT max(_lsn) FROM bronze.operations__order_items");
        Assert.True(bigLsn > checkpoint);

        // The slot is not acknowledged past the checkpoint, and models read only up to the checkpoint.
        var confirmed = await Server.ScalarAsync<long>(
            "SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint FROM pg_replication_slots WHERE slot_name = 'strata_chunked'");
        Assert.True(confirmed < bigLsn, $"the slot was acknowledged at {confirmed}, past the partly written transaction at {bigLsn}");
        await using (var warehouse = await BronzeReader.OpenAsync(Project))
        {
            var bound = await new TransformMetadata(warehouse).ChangelogBoundAsync(CancellationToken.None);
            Assert.True(bound < bigLsn, $"models would read up to {bound}, past the partly written transaction at {bigLsn}");
            Assert.Equal(before, await BronzeCountAsync(warehouse, $"_lsn <= {bound}"));
        }

        // Reconcile refuses to compare a bronze that is behind the slot rather than reporting the partial rows.
        await Assert.ThrowsAsync<IngestionException>(() => Service(new BoundedWarehouse.Run(Bound, 0)).ReconcileAsync([]));

        var restart = await IngestAsync(crashAtPartialCommit: 0);
        Assert.True(restart.Commits.Count(c => c.BronzeRows > 0 && !c.Checkpoint) > 0, "the rest of the transaction was not split");
        Assert.True(restart.Commits.Last(c => c.BronzeRows > 0).Checkpoint, "the last transaction with rows does not carry the checkpoint");

        Assert.Equal(changes, await BronzeRowsAsync($"_lsn = {bigLsn}"));
        await AssertBronzeIsTheSourceAsync();
        var reconciled = await Service(new BoundedWarehouse.Run(Bound, 0)).ReconcileAsync([]);
        Assert.True(reconciled.Equal, string.Join("; ", reconciled.Tables.Where(t => !t.Equal)));
    }

    [Fact]
    public async Task A_snapshot_interrupted_between_its_transactions_is_taken_again_without_duplicates()
    {
        Project.Environment["STRATA_INGEST_PIPELINE"] = "chunked_snapshot";
        Project.Environment["STRATA_WAREHOUSE_PATH"] = Path.Combine(Project.Directory, "chunked_snapshot.duckdb");

        await Assert.ThrowsAsync<InvalidOperationException>(() => IngestAsync(crashAtPartialCommit: 2));
        Assert.True(await BronzeRowsAsync("_op = 'r'") > 0, "nothing of the snapshot was committed before the crash");

        await IngestAsync(crashAtPartialCommit: 0);

        await AssertBronzeIsTheSourceAsync();
        foreach (var (table, _, _) in Tables)
        {
            // Each source row once as a snapshot row: the interrupted copy's rows are gone, not just outranked by the new snapshot.
            Assert.Equal(
                await Server.ScalarAsync<long>($"SELECT count(*) FROM operations.{table}", Project.Database),
                await ScalarAsync($"SELECT count(*) FROM bronze.operations__{table} WHERE _op = 'r'"));
        }
    }

    private async Task<BoundedWarehouse.Run> IngestAsync(int crashAtPartialCommit)
    {
        var run = new BoundedWarehouse.Run(Bound, crashAtPartialCommit);
        await Service(run).RunAsync(new IngestOptions { Once = true, HeartbeatInterval = TimeSpan.FromMilliseconds(500) });
        return run;
    }

    private IngestionService Service(BoundedWarehouse.Run run)
    {
        var config = Project.LoadConfig();
        return new IngestionService(config, async token => run.Open(await Strata.Platform.Warehouses.OpenAsync(config, token)), new NullConsole());
    }

    private async Task AssertBronzeIsTheSourceAsync()
    {
        foreach (var (table, key, columns) in Tables)
        {
            var source = await BronzeReader.SourceAsync(Server, Project.Database, table, key, columns);
            var bronze = await BronzeReader.StateAsync(Project, table, key, columns);
            Assert.True(source.SequenceEqual(bronze), $"{table}: source has {source.Count} rows, bronze rebuilds {bronze.Count}; first difference: " +
                source.Except(bronze).Concat(bronze.Except(source)).FirstOrDefault());
            var duplicates = await ScalarAsync($"SELECT count(*) FROM (SELECT _lsn, _seq FROM bronze.operations__{table} GROUP BY _lsn, _seq HAVING count(*) > 1) d");
            Assert.Equal(0L, duplicates);
        }
    }

    private async Task<long> BronzeCountAsync()
    {
        await using var warehouse = await BronzeReader.OpenAsync(Project);
        return await BronzeCountAsync(warehouse, "true");
    }

    private static async Task<long> BronzeCountAsync(IWarehouse warehouse, string condition)
    {
        long total = 0;
        foreach (var (table, _, _) in Tables)
        {
            total += Convert.ToInt64((await warehouse.QueryAsync($"SELECT count(*) FROM bronze.operations__{table} WHERE {condition}"))[0][0], CultureInfo.InvariantCulture);
        }

        return total;
    }

    private async Task<long> BronzeRowsAsync(string condition)
    {
        await using var warehouse = await BronzeReader.OpenAsync(Project);
        return await BronzeCountAsync(warehouse, condition);
    }

    private async Task<long> ScalarAsync(string sql) =>
        Convert.ToInt64((await BronzeReader.QueryAsync(Project, sql))[0][0], CultureInfo.InvariantCulture);
}
