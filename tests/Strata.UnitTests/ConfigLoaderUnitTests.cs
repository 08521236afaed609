using Strata.Configuration;
using Strata.Errors;
using Strata.UnitTests.Support;

namespace Strata.UnitTests;

/// <summary>
/// defaults &lt; strata.yml &lt; STRATA_* (docs/configuration.md), values checked and normalised as they load, every
/// mistake naming the file, line and column or the variable. (Strata.Tests' ConfigLoaderTests has the basic cases.)
/// </summary>
public sealed class ConfigLoaderUnitTests : IDisposable
{
    private readonly ProjectFolder _folder = new();
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Each_layer_overrides_the_one_below_setting_by_setting()
    {
        _folder.Write("strata.yml", "source:\n  database: from_file\n  schema: sales\n");
        _environment["STRATA_SOURCE_DATABASE"] = "from_env";
        _environment["STRATA_INGEST_BATCH_SIZE"] = "500";

        var config = Load();

        Assert.Equal(("from_env", "env STRATA_SOURCE_DATABASE"), Effective(config, Settings.SourceDatabase));
        Assert.Equal(("sales", "strata.yml:3:11"), Effective(config, Settings.SourceSchema));
        Assert.Equal(("500", "env STRATA_INGEST_BATCH_SIZE"), Effective(config, Settings.IngestBatchSize));
        Assert.Equal(("strata_publication", "default"), Effective(config, Settings.SourcePublication));
    }

    [Fact]
    public void Every_setting_but_secrets_has_a_value_and_an_origin_without_a_file()
    {
        var config = Load();

        var values = config.Values.ToList();
        Assert.Equal(Settings.All.Select(s => s.Path), values.Select(v => v.Definition.Path));
        Assert.All(values.Where(v => !v.Definition.IsSecret), v => Assert.Equal("default", v.Origin));
        Assert.All(values.Where(v => v.Definition.IsSecret), v => Assert.Equal(("unset", null), (v.Origin, v.Value)));
        Assert.Equal(10_000, config.Integer(Settings.IngestBatchSize));
        Assert.Equal("*/10 * * * *", config.Text(Settings.ScheduleTests));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    public void An_empty_file_means_the_defaults(string yaml)
    {
        _folder.Write("strata.yml", yaml);

        var config = Load();

        Assert.Equal(("finance_db", "default"), Effective(config, Settings.SourceDatabase));
    }

    [Theory]
    [InlineData("42", 42)]
    [InlineData("+42", 42)]
    [InlineData("007", 7)]
    [InlineData(" 5433 ", 5433)]
    [InlineData("1", 1)]
    [InlineData("65535", 65535)]
    public void Whole_numbers_are_read_and_normalised(string text, int expected)
    {
        _environment["STRATA_SOURCE_PORT"] = text;

        var config = Load();

        Assert.Equal(expected, config.Integer(Settings.SourcePort));
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), config.Text(Settings.SourcePort));
    }

    [Theory]
    [InlineData("STRATA_SOURCE_PORT", "0", "source.port must be a whole number from 1 to 65535, not '0'")]
    [InlineData("STRATA_SOURCE_PORT", "65536", "source.port must be a whole number from 1 to 65535, not '65536'")]
    [InlineData("STRATA_SOURCE_PORT", "5432.0", "source.port must be a whole number from 1 to 65535, not '5432.0'")]
    [InlineData("STRATA_SOURCE_PORT", "1e3", "source.port must be a whole number from 1 to 65535, not '1e3'")]
    [InlineData("STRATA_SOURCE_PORT", "0x10", "source.port must be a whole number from 1 to 65535, not '0x10'")]
    [InlineData("STRATA_INGEST_BATCH_SIZE", "10000001", "ingest.batch_size must be a whole number from 1 to 10000000, not '10000001'")]
    [InlineData("STRATA_INGEST_FLUSH_MS", "99999999999999999999", "ingest.flush_ms must be a whole number from 1 to 600000, not '99999999999999999999'")]
    [InlineData("STRATA_SIMULATE_SPEED", "0.0009", "simulate.speed must be a number from 0.001 to 100000, not '0.0009'")]
    [InlineData("STRATA_SIMULATE_SPEED", "NaN", "simulate.speed must be a number from 0.001 to 100000, not 'NaN'")]
    [InlineData("STRATA_SIMULATE_SPEED", "Infinity", "simulate.speed must be a number from 0.001 to 100000, not 'Infinity'")]
    [InlineData("STRATA_SIMULATE_DELETE_RATE", "-0.1", "simulate.delete_rate must be a number from 0 to 1, not '-0.1'")]
    public void Values_out_of_type_or_range_name_the_variable(string variable, string value, string message)
    {
        _environment[variable] = value;

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.Equal($"env {variable}: {message}", error.Message);
    }

    [Fact]
    public void The_dashboard_port_may_be_zero_for_any_free_port()
    {
        _environment["STRATA_DASHBOARD_PORT"] = "0";

        Assert.Equal(0, Load().Integer(Settings.DashboardPort));
    }

    [Theory]
    [InlineData("1e2", 100)]
    [InlineData("0.001", 0.001)]
    [InlineData("100000", 100_000)]
    [InlineData("2.50", 2.5)]
    public void Numbers_are_read_in_the_invariant_culture(string text, double expected)
    {
        _folder.Write("strata.yml", $"simulate:\n  speed: {text}\n");

        Assert.Equal(expected, Load().Number(Settings.SimulateSpeed));
    }

    [Fact]
    public void A_decimal_comma_is_not_a_number()
    {
        _folder.Write("strata.yml", "simulate:\n  speed: \"2,5\"\n");

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.Equal("strata.yml:2:10: simulate.speed must be a number from 0.001 to 100000, not '2,5'", error.Message);
    }

    [Fact]
    public void Yaml_null_unsets_but_quoted_null_is_text()
    {
        _folder.Write("strata.yml", "source:\n  host: ~\n  user: \"~\"\n  database: 'null'\n  schema:\n");

        var config = Load();

        Assert.Equal((null, "strata.yml:2:9"), Effective(config, Settings.SourceHost));
        Assert.Equal("~", config.Text(Settings.SourceUser));
        Assert.Equal("null", config.Text(Settings.SourceDatabase));
        Assert.Null(config.Text(Settings.SourceSchema));
    }

    [Fact]
    public void A_quoted_number_is_still_checked_as_a_number()
    {
        _folder.Write("strata.yml", "source:\n  port: \"5433\"\nsmtp:\n  port: 'x'\n");

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.Equal("strata.yml:4:9: smtp.port must be a whole number from 1 to 65535, not 'x'", error.Message);
    }

    [Theory]
    [InlineData("source: db.example.com\n", "strata.yml:1:1: 'source' is a section: put its settings under it; `strata config show` lists every setting")]
    [InlineData("source:\n  local: /srv/pg\n", "strata.yml:2:3: 'source.local' is a section: put its settings under it; `strata config show` lists every setting")]
    [InlineData("source:\n  port:\n    - 5432\n", "strata.yml:2:3: 'source.port' takes a single value, not a list or mapping")]
    [InlineData("source:\n  host: {name: db}\n", "strata.yml:2:3: 'source.host' takes a single value, not a list or mapping")]
    [InlineData("- source\n- warehouse\n", "strata.yml:1:1: the file must be a mapping of settings such as 'source:' with keys under it")]
    [InlineData("just text\n", "strata.yml:1:1: the file must be a mapping of settings such as 'source:' with keys under it")]
    public void A_value_in_the_wrong_shape_names_its_position(string yaml, string message)
    {
        _folder.Write("strata.yml", yaml);

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("source:\n  local:\n    bin_dri: /usr/lib/postgresql/17/bin\n", "strata.yml:3:5: unknown setting 'source.local.bin_dri'", "source.local.bin_dir")]
    [InlineData("warehouse:\n  engnie: postgres\n", "strata.yml:2:3: unknown setting 'warehouse.engnie'", "warehouse.engine")]
    [InlineData("dashbaord:\n  port: 9090\n", "strata.yml:1:1: unknown setting 'dashbaord'", "dashboard")]
    [InlineData("schedule:\n  time-zone: UTC\n", "strata.yml:2:3: unknown setting 'schedule.time-zone'", "schedule.time_zone")]
    public void An_unknown_key_names_its_position_and_the_nearest_setting(string yaml, string start, string suggestion)
    {
        _folder.Write("strata.yml", yaml);

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
        Assert.Contains($"(did you mean '{suggestion}'?)", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("`strata config show` lists every setting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_like_nothing_gets_no_suggestion()
    {
        _folder.Write("strata.yml", "kubernetes_namespace: prod\n");

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.StartsWith("strata.yml:1:1: unknown setting 'kubernetes_namespace'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("smtp:\n  password: x\n", "strata.yml:2:3: 'smtp.password' is a secret", "STRATA_SMTP_PASSWORD", ".strata/secrets/smtp_password")]
    [InlineData("dashboard:\n  token: x\n", "strata.yml:2:3: 'dashboard.token' is a secret", "STRATA_DASHBOARD_TOKEN", ".strata/secrets/dashboard_token")]
    public void Every_secret_is_refused_in_the_file_with_where_it_belongs(string yaml, string start, string variable, string store)
    {
        _folder.Write("strata.yml", yaml);

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
        Assert.Contains($"set {variable} (or {variable}_FILE", error.Message, StringComparison.Ordinal);
        Assert.Contains(store, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_quote_is_not_valid_yaml_at_a_position()
    {
        _folder.Write("strata.yml", "source:\n  database: \"finance\n  port: 1\n");

        var error = Assert.Throws<ConfigurationException>(Load);

        Assert.Matches(@"^strata\.yml:\d+:\d+: not valid YAML \(.+\); fix the file or delete it to use the defaults$", error.Message);
    }

    [Fact]
    public void The_file_is_shown_relative_to_the_working_folder()
    {
        _folder.Write("strata.yml", "source:\n  database: shop\n");
        var parent = Path.GetDirectoryName(_folder.Path)!;

        var config = ConfigLoader.Load(_folder.Path, _environment, parent);

        Assert.Equal($"{Path.GetFileName(_folder.Path)}/strata.yml:2:13", config.Get(Settings.SourceDatabase).Origin);
    }

    [Fact]
    public void The_file_is_shown_in_full_from_a_folder_outside_the_project()
    {
        _folder.Write("strata.yml", "source:\n  database: shop\n");
        using var elsewhere = new ProjectFolder();

        var config = ConfigLoader.Load(_folder.Path, _environment, elsewhere.Path);

        Assert.Equal($"{Path.Combine(_folder.Path, "strata.yml")}:2:13", config.Get(Settings.SourceDatabase).Origin);
    }

    [Fact]
    public void A_missing_project_folder_is_named()
    {
        var missing = Path.Combine(_folder.Path, "nope");

        var error = Assert.Throws<ConfigurationException>(() => ConfigLoader.Load(missing, _environment, _folder.Path));

        Assert.StartsWith($"project folder {missing} does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_settings_have_their_variable_and_paths_are_made_absolute_against_the_project()
    {
        _environment["STRATA_SOURCE_LOCAL_BIN_DIR"] = "pg/bin";
        _environment["STRATA_WAREHOUSE_PATH"] = "/var/lib/strata/w.duckdb";

        var config = Load();

        Assert.Equal(Path.Combine(_folder.Path, "pg", "bin"), config.FullPath(Settings.LocalBinDir));
        Assert.Equal("/var/lib/strata/w.duckdb", config.FullPath(Settings.WarehousePath));
        Assert.Equal(Path.Combine(_folder.Path, ".strata", "source"), config.FullPath(Settings.LocalDataDir));
        Assert.Equal(Path.Combine(_folder.Path, ".strata"), config.StateDirectory);
    }

    [Fact]
    public void Variables_of_other_programs_and_secrets_do_not_become_settings()
    {
        _environment["PGPORT"] = "6000";
        _environment["STRATA_SOURCE_PASSWORD"] = "s3cret";

        var config = Load();

        Assert.Null(config.Integer(Settings.SourcePort));
        Assert.Equal("s3cret", config.Secret(Settings.SourcePassword));
        Assert.Equal("***", config.Get(Settings.SourcePassword).Display);
        Assert.DoesNotContain(config.Values, v => !v.Definition.IsSecret && v.Value == "s3cret");
    }

    [Fact]
    public void A_dbt_projects_postgres_target_in_profiles_yml_is_the_layer_under_strata_yml_and_the_environment()
    {
        _folder.Write("dbt_project.yml", "name: shop\nprofile: shop\n");
        _folder.Write("profiles.yml", """
            shop:
              target: dev
              outputs:
                dev:
                  type: duckdb
                  path: dev.duckdb
                prod:
                  type: postgres
                  host: db.internal
                  port: 6432
                  user: "{{ env_var('SHOP_USER', 'analytics') }}"
                  password: "{{ env_var('SHOP_PASSWORD') }}"
                  dbname: shop
                  schema: marts
            """);
        _folder.Write("strata.yml", "warehouse:\n  port: 5433\n");
        _environment["DBT_TARGET"] = "prod";
        _environment["SHOP_PASSWORD"] = "Never-Printed-7";
        _environment["STRATA_WAREHOUSE_HOST"] = "127.0.0.1";

        var config = Load();

        Assert.Equal(("postgres", "profiles.yml:8:13"), Effective(config, Settings.WarehouseEngine));
        Assert.Equal(("127.0.0.1", "env STRATA_WAREHOUSE_HOST"), Effective(config, Settings.WarehouseHost));
        Assert.Equal(("5433", "strata.yml:2:9"), Effective(config, Settings.WarehousePort));
        Assert.Equal(("analytics", "profiles.yml:11:13"), Effective(config, Settings.WarehouseUser));
        Assert.Equal(("shop", "profiles.yml:13:15"), Effective(config, Settings.WarehouseDatabase));
        Assert.Equal(("Never-Printed-7", "profiles.yml:12:17"), Effective(config, Settings.WarehousePassword));
        Assert.DoesNotContain(config.Values, v => v.Display == "Never-Printed-7");
    }

    [Fact]
    public void A_profile_target_strata_cannot_use_is_a_warning_and_an_unset_env_var_in_it_an_error()
    {
        _folder.Write("dbt_project.yml", "name: shop\nprofile: shop\n");
        _folder.Write("profiles.yml", "shop:\n  target: dev\n  outputs:\n    dev:\n      type: snowflake\n      account: xy\n    ci:\n      type: duckdb\n      path: \"{{ env_var('CI_PATH') }}\"\n");

        var config = Load();

        Assert.Equal(("duckdb", "default"), Effective(config, Settings.WarehouseEngine));
        Assert.Contains(config.Warnings, w => w.StartsWith("profiles.yml:5:7: target dev of profile shop is a snowflake target", StringComparison.Ordinal));
        _environment["DBT_TARGET"] = "ci";
        var error = Assert.Throws<ConfigurationException>(Load);
        Assert.Equal("profiles.yml:9:13: env_var('CI_PATH') is not set and has no default; set CI_PATH or give a default", error.Message);
    }

    private StrataConfig Load() => ConfigLoader.Load(_folder.Path, _environment, _folder.Path);

    private static (string? Value, string Origin) Effective(StrataConfig config, SettingDefinition setting)
    {
        var value = config.Get(setting);
        return (value.Value, value.Origin);
    }
}
