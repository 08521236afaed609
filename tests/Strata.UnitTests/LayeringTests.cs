namespace Strata.UnitTests;

/// <summary>The seam of the warehouse holds: only the composition root knows the concrete adapters.</summary>
public sealed class LayeringTests
{
    [Theory]
    [InlineData(typeof(Strata.Ingestion.IngestionService))]
    [InlineData(typeof(Strata.Transform.TransformService))]
    [InlineData(typeof(Strata.Reports.ReportService))]
    [InlineData(typeof(Strata.Host.PlatformState))]
    public void Services_reference_no_concrete_warehouse_adapter(Type service)
    {
        var references = service.Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain(references, r => r is "Strata.Warehouse.DuckDb" or "Strata.Warehouse.Postgres" or "Strata.Warehouse.Snowflake" or "DuckDB.NET.Data");
        Assert.Contains("Strata.Warehouse", references);
    }

    [Theory]
    [InlineData(typeof(Strata.Transform.TransformService))]
    [InlineData(typeof(Strata.Reports.ReportService))]
    [InlineData(typeof(Strata.Host.PlatformState))]
    public void Layers_above_the_adapters_use_no_database_driver(Type service)
    {
        var references = service.Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain(references, r => r is not null && (r.StartsWith("Npgsql", StringComparison.Ordinal) || r.StartsWith("DuckDB", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_composition_root_has_a_provider_for_every_engine_the_setting_allows()
    {
        var engines = Strata.Configuration.Settings.WarehouseEngine.Choices!;
        foreach (var engine in engines)
        {
            var config = Strata.Configuration.ConfigLoader.Load(Path.GetTempPath(), new Dictionary<string, string> { ["STRATA_WAREHOUSE_ENGINE"] = engine }, Path.GetTempPath());
            Assert.Equal(engine, Strata.Platform.Warehouses.Provider(config).Engine);
        }

        Assert.Equal(["duckdb", "postgres", "snowflake"], engines);
    }
}
