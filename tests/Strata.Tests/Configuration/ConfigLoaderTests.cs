using Strata.Configuration;
using Strata.Errors;
using Strata.Testing;

namespace Strata.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly TestProject _project = TestProject.Empty();

    public void Dispose() => _project.Dispose();

    private StrataConfig Load() => ConfigLoader.Load(_project.Directory, (IReadOnlyDictionary<string, string>)_project.Environment, _project.Directory);

    [Fact]
    public void Without_a_file_every_setting_has_its_default()
    {
        var config = Load();

        Assert.Equal("finance_db", config.Text(Settings.SourceDatabase));
        Assert.Equal("default", config.Get(Settings.SourceDatabase).Origin);
        Assert.Null(config.Text(Settings.SourceHost));
        Assert.Equal(1, config.Number(Settings.SimulateSpeed));
    }

    [Fact]
    public void A_file_value_names_its_file_line_and_column()
    {
        _project.WriteConfig("source:\n  database: shop\n  port: 6543\n");

        var config = Load();

        Assert.Equal("shop", config.Text(Settings.SourceDatabase));
        Assert.Equal("strata.yml:2:13", config.Get(Settings.SourceDatabase).Origin);
        Assert.Equal(6543, config.Integer(Settings.SourcePort));
    }

    [Fact]
    public void An_environment_variable_overrides_the_file()
    {
        _project.WriteConfig("source:\n  database: shop\n");
        _project.Environment["STRATA_SOURCE_DATABASE"] = "other";
        _project.Environment["STRATA_SOURCE_LOCAL_OS_USER"] = "pgrunner";

        var config = Load();

        Assert.Equal("other", config.Text(Settings.SourceDatabase));
        Assert.Equal("env STRATA_SOURCE_DATABASE", config.Get(Settings.SourceDatabase).Origin);
        Assert.Equal("pgrunner", config.Text(Settings.LocalOsUser));
    }

    [Fact]
    public void An_unknown_key_is_an_error_with_position_and_suggestion()
    {
        _project.WriteConfig("source:\n  databse: shop\n");

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.StartsWith("strata.yml:2:3: unknown setting 'source.databse'", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'source.database'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_section_suggests_the_nearest_one()
    {
        _project.WriteConfig("sorce:\n  database: shop\n");

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.Contains("strata.yml:1:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'source'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_yaml_is_an_error_with_line_and_column()
    {
        _project.WriteConfig("source:\n  database: [unclosed\n  port: 1\n");

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.Matches(@"^strata\.yml:\d+:\d+: not valid YAML", error.Message);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_key_is_an_error_with_its_position()
    {
        _project.WriteConfig("source:\n  database: a\n  database: b\n");

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.StartsWith("strata.yml:3:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_in_the_file_is_rejected_and_says_where_it_belongs()
    {
        _project.WriteConfig("source:\n  password: hunter2-secret\n");

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.StartsWith("strata.yml:2:3: 'source.password' is a secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("STRATA_SOURCE_PASSWORD", error.Message, StringComparison.Ordinal);
        Assert.Contains(".strata/secrets/source_password", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("source:\n  port: abc\n", "strata.yml:2:9: source.port must be a whole number from 1 to 65535, not 'abc'")]
    [InlineData("source:\n  port: 70000\n", "strata.yml:2:9: source.port must be a whole number from 1 to 65535, not '70000'")]
    [InlineData("simulate:\n  delete_rate: 2\n", "strata.yml:2:16: simulate.delete_rate must be a number from 0 to 1, not '2'")]
    public void A_value_of_the_wrong_type_names_setting_position_and_range(string yaml, string message)
    {
        _project.WriteConfig(yaml);

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_bad_environment_value_names_the_variable()
    {
        _project.Environment["STRATA_SIMULATE_SPEED"] = "fast";

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.Equal("env STRATA_SIMULATE_SPEED: simulate.speed must be a number from 0.001 to 100000, not 'fast'", error.Message);
    }

    [Fact]
    public void Secrets_come_from_the_variable_then_its_file_then_the_store()
    {
        var config = Load();
        Assert.Null(config.Secret(Settings.SourcePassword));

        config.SecretStore.Write("source_password", "from-store");
        Assert.Equal("from-store", Load().Secret(Settings.SourcePassword));

        var file = Path.Combine(_project.Directory, "pw.txt");
        File.WriteAllText(file, "from-file\n");
        _project.Environment["STRATA_SOURCE_PASSWORD_FILE"] = file;
        Assert.Equal("from-file", Load().Secret(Settings.SourcePassword));
        Assert.Equal("env STRATA_SOURCE_PASSWORD_FILE", Load().Get(Settings.SourcePassword).Origin);

        _project.Environment["STRATA_SOURCE_PASSWORD"] = "from-env";
        Assert.Equal("from-env", Load().Secret(Settings.SourcePassword));
        Assert.Equal("***", Load().Get(Settings.SourcePassword).Display);
    }

    [Fact]
    public void A_secret_file_variable_pointing_nowhere_names_the_variable()
    {
        _project.Environment["STRATA_SOURCE_PASSWORD_FILE"] = "/nonexistent/pw";

        var error = Assert.Throws<ConfigurationException>(() => Load().Secret(Settings.SourcePassword));

        Assert.StartsWith("STRATA_SOURCE_PASSWORD_FILE points at /nonexistent/pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_secret_store_writes_owner_only_files()
    {
        var config = Load();

        var value = config.SecretStore.GetOrCreate("token");

        Assert.Equal(32, value.Length);
        Assert.Equal(value, config.SecretStore.GetOrCreate("token"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config.SecretStore.PathOf("token")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(config.SecretStore.Directory));
    }
}
