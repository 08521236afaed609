using Strata.Configuration;
using Strata.Platform;

namespace Strata.UnitTests.Infra;

/// <summary>Which role and compute warehouse a part reaches Snowflake with: its own under <c>use_part_roles</c>, else the configured ones.</summary>
public sealed class WarehouseLoginsTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("strata-logins-").FullName;

    [Theory]
    [InlineData(WarehouseLogins.Ingestion, "STRATA_INGESTION", "STRATA_INGESTION_WH")]
    [InlineData(WarehouseLogins.Transformation, "STRATA_TRANSFORMATION", "STRATA_TRANSFORMATION_WH")]
    [InlineData(WarehouseLogins.Reports, "STRATA_REPORTS", "STRATA_REPORTS_WH")]
    [InlineData(WarehouseLogins.Dashboard, "STRATA_DASHBOARD", "STRATA_REPORTS_WH")]
    public void With_part_roles_on_Snowflake_a_part_gets_its_role_and_compute_warehouse(string part, string role, string warehouse)
    {
        File.WriteAllText(Path.Combine(_project, "infra.yml"), "snowflake: {use_part_roles: true}\n");

        var config = WarehouseLogins.For(Config(), part);

        Assert.Equal(role, config.Text(Settings.WarehouseRole));
        Assert.Equal(warehouse, config.Text(Settings.WarehouseCompute));
        Assert.Equal("strata_svc", config.Text(Settings.WarehouseUser));
        Assert.StartsWith("infra.yml snowflake.use_part_roles", config.Get(Settings.WarehouseRole).Origin, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("snowflake: {}\n")]
    [InlineData("snowflake: {use_part_roles: false}\n")]
    [InlineData(null)]
    public void Without_part_roles_every_part_keeps_the_configured_role_and_warehouse(string? infraYml)
    {
        if (infraYml is not null)
        {
            File.WriteAllText(Path.Combine(_project, "infra.yml"), infraYml);
        }

        var config = WarehouseLogins.For(Config(), WarehouseLogins.Ingestion);

        Assert.Equal("ADMIN_ROLE", config.Text(Settings.WarehouseRole));
        Assert.Equal("COMPUTE_WH", config.Text(Settings.WarehouseCompute));
    }

    [Fact]
    public void A_declared_part_role_without_a_warehouse_grant_keeps_the_configured_warehouse()
    {
        File.WriteAllText(Path.Combine(_project, "infra.yml"), """
            snowflake:
              use_part_roles: true
              prefix: APP_
              roles: [{name: APP_INGESTION}, {name: APP_TRANSFORMATION}, {name: APP_REPORTS}, {name: APP_DASHBOARD}]
            """);

        var config = WarehouseLogins.For(Config(), WarehouseLogins.Reports);

        Assert.Equal("APP_REPORTS", config.Text(Settings.WarehouseRole));
        Assert.Equal("COMPUTE_WH", config.Text(Settings.WarehouseCompute));
    }

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private StrataConfig Config() => ConfigLoader.Load(_project, new Dictionary<string, string>
    {
        ["STRATA_WAREHOUSE_ENGINE"] = "snowflake",
        ["STRATA_WAREHOUSE_USER"] = "strata_svc",
        ["STRATA_WAREHOUSE_ROLE"] = "ADMIN_ROLE",
        ["STRATA_WAREHOUSE_WAREHOUSE"] = "COMPUTE_WH",
    }, _project);
}
