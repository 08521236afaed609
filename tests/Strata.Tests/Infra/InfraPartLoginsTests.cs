using Npgsql;
using Strata.Tests.Source;
using Strata.Tests.Transform;

namespace Strata.Tests.Infra;

/// <summary>Once infra is applied on a PostgreSQL warehouse, ingestion, transformation and reports run as their own logins.</summary>
public sealed class InfraPartLoginsTests() : SharedServerTest("infra_parts", initialize: true)
{
    private readonly string _prefix = $"t_parts_{Guid.NewGuid().ToString("N")[..6]}_";

    private string Warehouse => Project.Environment["STRATA_WAREHOUSE_DATABASE"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        TransformProjects.UseWarehouse(Project, Server, "postgres", "parts");
        TransformProjects.UseFinanceProject(Project);
        File.WriteAllText(Path.Combine(Project.Directory, "infra.yml"), $"warehouse:\n  role_prefix: {_prefix}\n");
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "20", "--items-per-order", "2")).ExitCode);
    }

    [Fact]
    public async Task Ingest_build_and_report_run_as_their_own_logins_and_leave_no_drift()
    {
        var apply = await Project.RunAsync("infra", "apply", "--yes");
        Assert.True(apply.ExitCode == 0, apply.ToString());

        var ingest = await Project.RunAsync("ingest", "--once");
        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        var build = await Project.RunAsync("build");
        Assert.True(build.ExitCode == 0, build.ToString());
        var report = await Project.RunAsync("report", "run", "open_items_by_product", "--format", "csv", "--out", Path.Combine(Project.Directory, "out"));
        Assert.True(report.ExitCode == 0, report.ToString());

        // Who made each table is who connected: bronze by ingestion's login, silver and gold by transformation's.
        Assert.Equal([_prefix + "ingestion"], await OwnersAsync("bronze"));
        Assert.Equal([_prefix + "transformation"], await OwnersAsync("silver"));
        Assert.Equal([_prefix + "transformation"], await OwnersAsync("gold"));

        var plan = await Project.RunAsync("infra", "plan");
        Assert.True(plan.ExitCode == 0, plan.ToString());

        // Reports read as their own login: take its privilege away by hand and the report fails, apply gives it back.
        await Server.ExecuteAsync($"REVOKE SELECT ON ALL TABLES IN SCHEMA gold FROM {_prefix}reports", Warehouse);
        var denied = await Project.RunAsync("report", "run", "open_items_by_product", "--format", "csv", "--out", Path.Combine(Project.Directory, "out2"));
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains("permission denied", denied.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await Project.RunAsync("infra", "apply", "--yes")).ExitCode);
        Assert.Equal(0, (await Project.RunAsync("report", "run", "open_items_by_product", "--format", "csv", "--out", Path.Combine(Project.Directory, "out3"))).ExitCode);
    }

    public override async Task DisposeAsync()
    {
        await InfraCleanup.DropAsync(Server, _prefix, Warehouse, Project.Database);
        await base.DisposeAsync();
    }

    private async Task<List<string>> OwnersAsync(string schema)
    {
        await using var connection = await Server.OpenAsync(Warehouse);
        await using var command = new NpgsqlCommand("SELECT DISTINCT tableowner::text FROM pg_tables WHERE schemaname = $1", connection) { Parameters = { new() { Value = schema } } };
        var owners = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            owners.Add(reader.GetString(0));
        }

        return owners;
    }
}
