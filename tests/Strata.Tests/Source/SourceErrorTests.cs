using Strata.Source.Local;
using Strata.Testing;

namespace Strata.Tests.Source;

public sealed class SourceErrorTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private TestProject _project = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        _project = TestProject.OnSharedServer(_server, "errors");
    }

    public Task DisposeAsync()
    {
        _project.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_unreachable_server_is_named_with_its_address()
    {
        var port = FreePort.Find();
        _project.Environment["STRATA_SOURCE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await _project.RunAsync("source", "init");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([$"error: cannot reach the source PostgreSQL at 127.0.0.1:{port} (ConnectionRefused); check source.host and source.port, and that the server runs"], result.ErrorLines);
    }

    [Fact]
    public async Task A_wrong_password_is_named_without_showing_it()
    {
        _project.Environment["STRATA_SOURCE_PASSWORD"] = "definitely-wrong-password";

        var result = await _project.RunAsync("source", "status");
        var init = await _project.RunAsync("source", "init");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("rejected login 'strata_test' (authentication failed)", result.Output, StringComparison.Ordinal);
        Assert.Equal(1, init.ExitCode);
        Assert.Equal(["error: PostgreSQL at 127.0.0.1:" + _server.Port + " rejected login 'strata_test' (authentication failed); set its password in STRATA_SOURCE_PASSWORD or STRATA_SOURCE_PASSWORD_FILE"], init.ErrorLines);
        Assert.DoesNotContain("definitely-wrong-password", result.All + init.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Source_up_refuses_a_configured_external_server()
    {
        var result = await _project.RunAsync("source", "up");

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.StartsWith("error: source.host is set (env STRATA_SOURCE_HOST), so the source is an existing server", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seeding_a_server_without_the_schema_says_to_run_init()
    {
        await _server.ExecuteAsync("CREATE DATABASE t_errors");

        var result = await _project.RunAsync("source", "seed");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal([$"error: table operations.customers does not exist in t_errors on 127.0.0.1:{_server.Port}; run `strata source init`"], result.ErrorLines);
    }
}
