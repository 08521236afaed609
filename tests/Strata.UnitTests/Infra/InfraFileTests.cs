using Strata.Errors;
using Strata.Infra.Declaration;

namespace Strata.UnitTests.Infra;

public sealed class InfraFileTests
{
    [Fact]
    public void No_file_means_the_defaults()
    {
        var declaration = InfraFile.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")));

        Assert.True(declaration.Source.Manage);
        Assert.True(declaration.Warehouse.Manage);
        Assert.Equal("strata_reports", declaration.Warehouse.RoleOf("reports"));
        Assert.Equal("bronze", declaration.Warehouse.BronzeSchema);
        Assert.Equal(["silver"], declaration.Warehouse.SilverSchemas);
        Assert.Equal(["gold"], declaration.Warehouse.GoldSchemas);
        Assert.False(declaration.Warehouse.Analyst);
        Assert.Null(declaration.Snowflake);
    }

    [Fact]
    public void Keys_override_only_what_they_name()
    {
        var declaration = InfraFile.Parse("warehouse:\n  role_prefix: fin_\n  gold_schemas: [gold, marts]\nsnowflake: {}\n", "infra.yml");

        Assert.Equal("fin_ingestion", declaration.Warehouse.RoleOf("ingestion"));
        Assert.Equal(["gold", "marts"], declaration.Warehouse.GoldSchemas);
        Assert.Equal(["silver"], declaration.Warehouse.SilverSchemas);
        Assert.Null(declaration.Snowflake!.Database); // strata.yml's warehouse.database
        Assert.Equal("STRATA_", declaration.Snowflake.Prefix);
        Assert.False(declaration.Snowflake.UsePartRoles);
    }

    [Fact]
    public void A_wrong_key_names_the_file_line_column_and_the_key_meant()
    {
        var error = Assert.Throws<ConfigurationException>(() => InfraFile.Parse("source:\n  manage: true\nwarehouse:\n  analist: true\n", "/p/infra.yml"));

        Assert.StartsWith("/p/infra.yml:4:3: unknown key 'analist' (did you mean 'analyst'?)", error.Message, StringComparison.Ordinal);
    }
}
