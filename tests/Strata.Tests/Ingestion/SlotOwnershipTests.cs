using Strata.Testing;
using Strata.Tests.Source;

namespace Strata.Tests.Ingestion;

/// <summary>A replication slot belongs to one warehouse: a second one on the same pipeline is refused, never handed its changes.</summary>
public sealed class SlotOwnershipTests() : SharedServerTest("slot_owners", initialize: true)
{
    private const string Columns = "customer_id, customer_name, customer_address";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "20", "--items-per-order", "2")).ExitCode);
    }

    /// <summary>Each test a pipeline of its own: a slot's owner outlives the slot (a dropped slot is still that warehouse's to resync).</summary>
    private void UsePipeline(string name) => Project.Environment["STRATA_INGEST_PIPELINE"] = name;

    private void UseWarehouse(string name) => Project.Environment["STRATA_WAREHOUSE_PATH"] = Path.Combine(Project.Directory, $"{name}.duckdb");

    private async Task<CliResult> IngestAsync(string warehouse, params string[] extra)
    {
        UseWarehouse(warehouse);
        return await Project.RunAsync(["ingest", "--once", .. extra]);
    }

    private Task InsertCustomerAsync(string name) =>
        Server.ExecuteAsync($"INSERT INTO operations.customers (customer_name) VALUES ('{name}')", Project.Database);

    private async Task AssertBronzeEqualsTheSourceAsync(string warehouse)
    {
        UseWarehouse(warehouse);
        Assert.Equal(
            await BronzeReader.SourceAsync(Server, Project.Database, "customers", "customer_id", Columns),
            await BronzeReader.StateAsync(Project, "customers", "customer_id", Columns));
    }

    [Fact]
    public async Task A_second_warehouse_on_the_same_pipeline_is_refused_and_the_first_loses_nothing()
    {
        UsePipeline("shared_name");
        Assert.Equal(0, (await IngestAsync("first")).ExitCode);
        await InsertCustomerAsync("arrived while the second warehouse tried");

        var second = await IngestAsync("second");

        Assert.Equal(1, second.ExitCode);
        var error = Assert.Single(second.ErrorLines);
        Assert.Contains("replication slot strata_shared_name", error, StringComparison.Ordinal);
        Assert.Contains("belongs to another warehouse: duckdb " + Path.Combine(Project.Directory, "first.duckdb"), error, StringComparison.Ordinal);
        Assert.Contains("STRATA_INGEST_PIPELINE=", error, StringComparison.Ordinal);
        Assert.Contains("--take-over-slot", error, StringComparison.Ordinal);
        Assert.Equal(0, await CheckpointsAsync("second"));

        var first = await IngestAsync("first");
        Assert.True(first.ExitCode == 0, first.ToString());
        await AssertBronzeEqualsTheSourceAsync("first");
        Assert.Contains("arrived while the second warehouse tried", (await BronzeReader.StateAsync(Project, "customers", "customer_id", Columns)).Last(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Taking_the_slot_over_says_so_and_the_old_owner_is_refused_from_then_on()
    {
        UsePipeline("taken");
        Assert.Equal(0, (await IngestAsync("old")).ExitCode);
        await InsertCustomerAsync("before the take-over");

        var takeOver = await IngestAsync("new", "--take-over-slot");

        Assert.True(takeOver.ExitCode == 0, takeOver.ToString());
        await AssertBronzeEqualsTheSourceAsync("new");
        await InsertCustomerAsync("after the take-over");
        var old = await IngestAsync("old");
        Assert.Equal(1, old.ExitCode);
        Assert.Contains("belongs to another warehouse: duckdb " + Path.Combine(Project.Directory, "new.duckdb"), Assert.Single(old.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(0, (await IngestAsync("new")).ExitCode);
        await AssertBronzeEqualsTheSourceAsync("new");

        // Taking it back: the old warehouse's checkpoint is behind the slot, so it snapshots afresh and misses nothing.
        var back = await IngestAsync("old", "--take-over-slot");
        Assert.True(back.ExitCode == 0, back.ToString());
        await AssertBronzeEqualsTheSourceAsync("old");
    }

    [Fact]
    public async Task An_unclaimed_slot_is_kept_by_the_warehouse_with_its_checkpoint_and_refused_to_any_other()
    {
        UsePipeline("unclaimed");
        Assert.Equal(0, (await IngestAsync("maker")).ExitCode);
        // As a slot made before ownership was recorded.
        await Server.ExecuteAsync("DELETE FROM strata.slot_owners", Project.Database);
        await InsertCustomerAsync("while unclaimed");

        var stranger = await IngestAsync("stranger");
        Assert.Equal(1, stranger.ExitCode);
        Assert.Contains("exists, but no warehouse has claimed it", Assert.Single(stranger.ErrorLines), StringComparison.Ordinal);

        var maker = await IngestAsync("maker");
        Assert.True(maker.ExitCode == 0, maker.ToString());
        await AssertBronzeEqualsTheSourceAsync("maker");
        Assert.Equal(1L, await Server.ScalarAsync<long>("SELECT count(*) FROM strata.slot_owners WHERE slot_name = 'strata_unclaimed'", Project.Database));
    }

    private async Task<long> CheckpointsAsync(string warehouse)
    {
        UseWarehouse(warehouse);
        var rows = await BronzeReader.QueryAsync(Project, "SELECT count(*) FROM _strata.checkpoints");
        return Convert.ToInt64(rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
