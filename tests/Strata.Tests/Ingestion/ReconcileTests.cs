using System.Globalization;
using Strata.Tests.Source;

namespace Strata.Tests.Ingestion;

/// <summary>Reconcile compares what ingestion wrote; it never ingests itself, so it cannot vouch for its own work.</summary>
public sealed class ReconcileTests() : SharedServerTest("reconcile", initialize: true)
{
    private const string Customers = "SELECT count(*) FROM bronze.operations__customers";

    private const string Checkpoint = "SELECT confirmed_lsn FROM _strata.checkpoints";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "20", "--items-per-order", "2")).ExitCode);
    }

    private void UsePipeline(string name)
    {
        Project.Environment["STRATA_INGEST_PIPELINE"] = name;
        Project.Environment["STRATA_WAREHOUSE_PATH"] = Path.Combine(Project.Directory, $"{name}.duckdb");
    }

    private async Task<long> BronzeCountAsync(string sql) =>
        Convert.ToInt64((await BronzeReader.QueryAsync(Project, sql))[0][0], CultureInfo.InvariantCulture);

    private Task<string?> ConfirmedAsync(string slot) =>
        Server.ScalarAsync<string>($"SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '{slot}'");

    [Fact]
    public async Task With_ingestion_stopped_a_change_bronze_lacks_fails_reconcile_without_ingesting_it()
    {
        UsePipeline("reconcile_behind");
        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);
        // Nothing changed since: the slot holds nothing bronze lacks, so bronze is compared as it is.
        await Reconciled.AssertEqualAsync(Project);

        await Server.ExecuteAsync("INSERT INTO operations.customers (customer_name) VALUES ('while nothing ingests')", Project.Database);
        var rows = await BronzeCountAsync(Customers);
        var checkpoint = await BronzeCountAsync(Checkpoint);
        var confirmed = await ConfirmedAsync("strata_reconcile_behind");

        var behind = await Project.RunAsync("reconcile", "--json");

        Assert.Equal(1, behind.ExitCode);
        Assert.Contains("strata ingest --once", Assert.Single(behind.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(rows, await BronzeCountAsync(Customers));
        Assert.Equal(checkpoint, await BronzeCountAsync(Checkpoint));
        // Peeked, not consumed: the change is still the slot's to stream.
        Assert.Equal(confirmed, await ConfirmedAsync("strata_reconcile_behind"));

        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);
        Assert.Equal(rows + 1, await BronzeCountAsync(Customers));
        await Reconciled.AssertEqualAsync(Project);
    }

    [Fact]
    public async Task Without_a_slot_reconcile_says_to_ingest()
    {
        UsePipeline("reconcile_never_ingested");

        var reconcile = await Project.RunAsync("reconcile", "--json");

        Assert.Equal(1, reconcile.ExitCode);
        Assert.Contains("strata ingest", Assert.Single(reconcile.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Project.Directory, "reconcile_never_ingested.duckdb")));
    }
}
