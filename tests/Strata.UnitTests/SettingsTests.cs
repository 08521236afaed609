using Strata.Configuration;
using Strata.Text;

namespace Strata.UnitTests;

public sealed class SettingsTests
{
    [Fact]
    public void Every_setting_has_a_unique_path_and_environment_variable()
    {
        Assert.Equal(Settings.All.Count, Settings.All.Select(s => s.Path).Distinct().Count());
        Assert.Equal(Settings.All.Count, Settings.All.Select(s => s.EnvironmentVariable).Distinct().Count());
    }

    [Fact]
    public void Secrets_have_no_default()
    {
        Assert.All(Settings.All.Where(s => s.IsSecret), s => Assert.Null(s.Default));
    }

    [Theory]
    [InlineData("databse", "database")]
    [InlineData("soruce", "source")]
    [InlineData("completely_different", null)]
    public void Suggestions_catch_typos_not_unrelated_words(string typed, string? expected)
    {
        Assert.Equal(expected, Suggestions.Closest(typed, ["database", "source", "schema"]));
    }

    [Theory]
    [InlineData("SOURCE", "source")]
    [InlineData("Schema", "schema")]
    [InlineData("schmea", "schema")]
    [InlineData("sourc", "source")]
    [InlineData("database_", "database")]
    [InlineData("dtbse", null)]
    [InlineData("xy", null)]
    public void Suggestions_ignore_case_and_allow_a_third_of_the_name_to_differ(string typed, string? expected)
    {
        Assert.Equal(expected, Suggestions.Closest(typed, ["database", "source", "schema"]));
    }

    [Fact]
    public void The_first_of_equally_close_candidates_is_suggested()
    {
        Assert.Equal("cat", Suggestions.Closest("bat", ["cat", "hat"]));
        Assert.Equal("hat", Suggestions.Closest("bat", ["hat", "cat"]));
    }

    [Fact]
    public void Without_candidates_there_is_no_suggestion()
    {
        Assert.Null(Suggestions.Closest("anything", []));
        Assert.Equal("", Suggestions.DidYouMean("anything", []));
    }

    [Fact]
    public void Did_you_mean_is_a_clause_to_append()
    {
        Assert.Equal(" (did you mean 'orders'?)", Suggestions.DidYouMean("ordres", ["customers", "orders"]));
        Assert.Equal("", Suggestions.DidYouMean("invoices", ["customers", "orders"]));
    }

    [Fact]
    public void Environment_variables_are_the_path_in_upper_case_with_underscores()
    {
        Assert.Equal("STRATA_SOURCE_PORT", Settings.SourcePort.EnvironmentVariable);
        Assert.Equal("STRATA_SOURCE_LOCAL_BIN_DIR", Settings.LocalBinDir.EnvironmentVariable);
        Assert.Equal("STRATA_INGEST_FLUSH_MS", Settings.IngestFlushMilliseconds.EnvironmentVariable);
        Assert.Equal("source_cdc_password", Settings.SourceCdcPassword.SecretFileName);
    }

    [Fact]
    public void The_documented_defaults_are_the_defaults()
    {
        // docs/configuration.md, the Settings table.
        var documented = new Dictionary<string, string?>
        {
            ["source.host"] = null, ["source.port"] = null, ["source.user"] = "strata_admin", ["source.database"] = "finance_db",
            ["source.maintenance_database"] = "postgres", ["source.schema"] = "operations", ["source.publication"] = "strata_publication",
            ["source.cdc_user"] = "strata_cdc", ["source.local.bin_dir"] = null, ["source.local.dir"] = ".strata/source", ["source.local.os_user"] = "postgres",
            ["simulate.speed"] = "1", ["simulate.delete_rate"] = "0", ["warehouse.engine"] = "duckdb", ["warehouse.path"] = ".strata/warehouse.duckdb",
            ["warehouse.host"] = null, ["warehouse.port"] = null, ["warehouse.user"] = null, ["warehouse.database"] = "strata_warehouse",
            ["ingest.pipeline"] = "finance", ["ingest.slot"] = null, ["ingest.batch_size"] = "10000", ["ingest.flush_ms"] = "200",
            ["ingest.heartbeat_ms"] = "10000", ["ingest.spill_after"] = "100000", ["transform.project"] = "analytics",
            ["dashboard.host"] = "127.0.0.1", ["dashboard.port"] = "8080", ["schedule.tests"] = "*/10 * * * *", ["schedule.reconcile"] = "0 * * * *",
            ["schedule.freshness"] = "* * * * *", ["schedule.time_zone"] = "UTC", ["reports.output"] = "reports", ["smtp.host"] = null,
            ["smtp.port"] = "587", ["smtp.tls"] = "starttls", ["smtp.user"] = null, ["smtp.from"] = "strata@localhost",
        };
        var secrets = new[] { "source.password", "source.cdc_password", "warehouse.password", "dashboard.token", "smtp.password" };

        Assert.Equal(documented.Keys.Concat(secrets).Order(StringComparer.Ordinal), Settings.All.Select(s => s.Path).Order(StringComparer.Ordinal));
        Assert.All(documented, d => Assert.Equal(d.Value, Settings.Find(d.Key)!.Default));
        Assert.All(secrets, s => Assert.True(Settings.Find(s)!.IsSecret, s));
    }
}
