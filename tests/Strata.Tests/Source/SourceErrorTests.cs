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
