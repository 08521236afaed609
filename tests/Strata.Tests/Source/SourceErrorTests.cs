using Strata.Source.Local;

namespace Strata.Tests.Source;

public sealed class SourceErrorTests() : SharedServerTest("errors")
{
    [Fact]
    public async Task An_unreachableServer_is_named_with_its_address()
    {
        var port = FreePort.Find();
        Project.Environment["STRATA_SOURCE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await Project.RunAsync("source", "init");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([$"error: cannot reach the source PostgreSQL at 127.0.0.1:{port} (ConnectionRefused); check source.host and source.port, and that the server runs"], result.ErrorLines);
    }

    [Fact]
    public async Task A_wrong_password_is_named_without_showing_it()
    {
        Project.Environment["STRATA_SOURCE_PASSWORD"] = "definitely-wrong-password";

        var result = await Project.RunAsync("source", "status");
        var init = await Project.RunAsync("source", "init");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("rejected login 'strata_test' (authentication failed)", result.Output, StringComparison.Ordinal);
        Assert.Equal(1, init.ExitCode);
        Assert.Equal(["error: PostgreSQL at 127.0.0.1:" + Server.Port + " rejected login 'strata_test' (authentication failed); set its password in STRATA_SOURCE_PASSWORD or STRATA_SOURCE_PASSWORD_FILE"], init.ErrorLines);
        Assert.DoesNotContain("definitely-wrong-password", result.All + init.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_rejects_the_login_is_still_reported_running()
    {
        Project.Environment["STRATA_SOURCE_PASSWORD"] = "definitely-wrong-password";

        var status = await Project.RunAsync("source", "status", "--json");

        Assert.Equal(0, status.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(status.Output);
        Assert.True(json.RootElement.GetProperty("running").GetBoolean(), status.Output);
        Assert.Contains("STRATA_SOURCE_PASSWORD", json.RootElement.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_cdc_password_names_the_cdc_setting_not_the_admin_one()
    {
        Assert.Equal(0, (await Project.RunAsync("source", "init")).ExitCode);
        Project.Environment["STRATA_SOURCE_CDC_PASSWORD"] = "definitely-wrong-password";

        var ingest = await Project.RunAsync("ingest", "--once");

        Assert.Equal(1, ingest.ExitCode);
        Assert.Equal([$"error: PostgreSQL at 127.0.0.1:{Server.Port} rejected login '{Project.CdcUser}' (authentication failed); set its password in STRATA_SOURCE_CDC_PASSWORD or STRATA_SOURCE_CDC_PASSWORD_FILE"],
            ingest.ErrorLines);
        Assert.DoesNotContain("definitely-wrong-password", ingest.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_warehouse_login_without_a_warehouse_host_is_used_on_the_source_server_not_ignored()
    {
        Assert.Equal(0, (await Project.RunAsync("source", "init")).ExitCode);
        Project.Environment["STRATA_WAREHOUSE_ENGINE"] = "postgres";
        Project.Environment["STRATA_WAREHOUSE_USER"] = "no_such_warehouse_login";
        Project.Environment["STRATA_WAREHOUSE_PASSWORD"] = "definitely-wrong-password";

        var ingest = await Project.RunAsync("ingest", "--once");

        Assert.Equal(1, ingest.ExitCode);
        var error = Assert.Single(ingest.ErrorLines);
        Assert.Contains($"127.0.0.1:{Server.Port}", error, StringComparison.Ordinal);
        Assert.Contains("no_such_warehouse_login", error, StringComparison.Ordinal);
        Assert.Contains("STRATA_WAREHOUSE_PASSWORD", error, StringComparison.Ordinal);
        Assert.DoesNotContain("definitely-wrong-password", ingest.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Source_up_refuses_a_configured_externalServer()
    {
        var result = await Project.RunAsync("source", "up");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: source.host is set (env STRATA_SOURCE_HOST), so the source is an existing server", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seeding_aServer_without_the_schema_says_to_run_init()
    {
        await Server.ExecuteAsync("CREATE DATABASE t_errors");

        var result = await Project.RunAsync("source", "seed");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([$"error: table operations.customers does not exist in t_errors on 127.0.0.1:{Server.Port}; run `strata source init`"], result.ErrorLines);
    }
}
