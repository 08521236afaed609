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
        // docs/configuration.md, the Settings table: | `path` | `default` or (unset)/(search) or secret | meaning |
        var rows = File.ReadLines(Path.Combine(Strata.Testing.Repository.Root, "docs", "configuration.md"))
            .Select(line => System.Text.RegularExpressions.Regex.Match(line, @"^\| `([a-z_.]+)` \| ([^|]+) \|"))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());
        var secrets = rows.Where(r => r.Value == "secret").Select(r => r.Key).ToList();
        var documented = rows.Where(r => r.Value != "secret")
            .ToDictionary(r => r.Key, r => r.Value.StartsWith('`') ? r.Value.Trim('`') : null);

        Assert.Equal(rows.Keys.Order(StringComparer.Ordinal), Settings.All.Select(s => s.Path).Order(StringComparer.Ordinal));
        Assert.All(documented, d => Assert.Equal(d.Value, Settings.Find(d.Key)!.Default));
        Assert.All(secrets, s => Assert.True(Settings.Find(s)!.IsSecret, s));
        Assert.Equal(10, secrets.Count);
    }
}
