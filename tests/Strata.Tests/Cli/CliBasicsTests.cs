using Strata.Source.Local;
using Strata.Testing;

namespace Strata.Tests.Cli;

public sealed class CliBasicsTests : IDisposable
{
    private readonly TestProject _project = TestProject.Empty();

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task Version_prints_the_version()
    {
        var result = await _project.RunAsync("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Output.Trim());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("source", "--help")]
    [InlineData("source", "up", "--help")]
    [InlineData("source", "init", "--help")]
    [InlineData("source", "seed", "--help")]
    [InlineData("source", "simulate", "--help")]
    [InlineData("source", "status", "--help")]
    [InlineData("source", "down", "--help")]
    [InlineData("doctor", "--help")]
    [InlineData("config", "show", "--help")]
    [InlineData("up", "--help")]
    public async Task Every_command_has_help_with_examples(params string[] args)
    {
        var result = await _project.RunAsync(args);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("USAGE:", result.Output, StringComparison.Ordinal);
        Assert.Contains("EXAMPLES:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_a_one_line_user_error()
    {
        var result = await _project.RunAsync("sorce", "up");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_option_is_a_one_line_user_error()
    {
        var result = await _project.RunAsync("source", "status", "--jsn");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.Contains("jsn", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_config_file_is_one_line_with_its_position_and_debug_adds_the_stack()
    {
        _project.WriteConfig("source:\n  prot: 5432\n");

        var plain = await _project.RunAsync("config", "show");
        var debug = await _project.RunAsync("config", "show", "--debug");

        Assert.Equal(1, plain.ExitCode);
        Assert.Equal(["error: strata.yml:2:3: unknown setting 'source.prot' (did you mean 'source.port'?); `strata config show` lists every setting"], plain.ErrorLines);
        Assert.Equal(1, debug.ExitCode);
        Assert.Contains("at Strata.Configuration", debug.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_show_lists_values_with_origins_and_hides_secrets()
    {
        _project.WriteConfig("source:\n  schema: sales\n");
        _project.Environment["STRATA_SOURCE_PASSWORD"] = "visible-only-to-postgres";
        _project.Environment["STRATA_SIMULATE_SPEED"] = "10";

        var table = await _project.RunAsync("config", "show");
        var json = await _project.RunAsync("config", "show", "--json");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("strata.yml:2:11", table.Output, StringComparison.Ordinal);
        Assert.Contains("env STRATA_SIMULATE_SPEED", table.Output, StringComparison.Ordinal);
        Assert.Contains("***", table.Output, StringComparison.Ordinal);
        using var document = System.Text.Json.JsonDocument.Parse(json.Output);
        var settings = document.RootElement.GetProperty("settings").EnumerateArray().ToList();
        var schema = settings.Single(s => s.GetProperty("setting").GetString() == "source.schema");
        Assert.Equal("sales", schema.GetProperty("value").GetString());
        Assert.Equal("strata.yml:2:11", schema.GetProperty("from").GetString());
        var password = settings.Single(s => s.GetProperty("setting").GetString() == "source.password");
        Assert.Equal("***", password.GetProperty("value").GetString());
        Assert.DoesNotContain("visible-only-to-postgres", table.All + json.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_folder_without_server_programs_is_named()
    {
        _project.Environment["STRATA_SOURCE_LOCAL_BIN_DIR"] = "/nonexistent/pg/bin";

        var result = await _project.RunAsync("source", "up");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            ["error: source.local.bin_dir is /nonexistent/pg/bin, which holds no PostgreSQL 15+ server (initdb, pg_ctl, postgres); fix the setting or remove it to search the usual places"],
            result.ErrorLines);
    }

    [Fact]
    public async Task No_server_programs_anywhere_gives_the_install_command()
    {
        var error = await Assert.ThrowsAsync<Strata.Errors.MissingBinaryException>(
            () => PostgresBinaries.FindAsync(null, "/nonexistent/pg_config", "/nonexistent/postgresql", CancellationToken.None));

        Assert.Contains("sudo apt-get install -y postgresql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Source_commands_on_a_project_without_a_source_say_how_to_create_it()
    {
        var result = await _project.RunAsync("source", "seed");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.Contains("run `strata source up`", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_fails_with_fixes_when_there_is_no_source()
    {
        var result = await _project.RunAsync("doctor", "--json");

        Assert.Equal(1, result.ExitCode);
        using var document = System.Text.Json.JsonDocument.Parse(result.Output);
        Assert.False(document.RootElement.GetProperty("healthy").GetBoolean());
        var connection = document.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Source connection");
        Assert.False(connection.GetProperty("ok").GetBoolean());
        Assert.Equal("run `strata source up`", connection.GetProperty("fix").GetString());
    }

    [Theory]
    [InlineData("--duration", "soon", "error: --duration 'soon' is not a duration; write it like 20s, 5m, 1h30m or 90 (seconds)")]
    [InlineData("--speed", "0", "error: --speed must be above 0 and at most 100000 (1 is the original rates)")]
    [InlineData("--delete-rate", "1.5", "error: --delete-rate must be between 0 and 1 (the share of order operations that delete)")]
    public async Task Bad_simulate_arguments_are_one_line_errors(string option, string value, string message)
    {
        var result = await _project.RunAsync("source", "simulate", option, value);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([message], result.ErrorLines);
    }

    [Fact]
    public async Task Bad_seed_arguments_are_one_line_errors()
    {
        var zeroItems = await _project.RunAsync("source", "seed", "--items-per-order", "0");
        var badDate = await _project.RunAsync("source", "seed", "--as-of", "yesterday");

        Assert.Equal(1, zeroItems.ExitCode);
        Assert.Contains("--items-per-order ≥ 1 (every order has items)", zeroItems.Error, StringComparison.Ordinal);
        Assert.Equal(1, badDate.ExitCode);
        Assert.Equal(["error: --as-of 'yesterday' is not a date; write it as yyyy-MM-dd, e.g. 2026-01-01"], badDate.ErrorLines);
    }
}
