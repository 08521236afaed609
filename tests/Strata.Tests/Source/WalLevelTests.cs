using Strata.Secrets;
using Strata.Source.Local;
using Strata.Testing;

namespace Strata.Tests.Source;

/// <summary>Runs against a second, short-lived server configured with <c>wal_level=replica</c>.</summary>
public sealed class WalLevelTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"strata-wal-{Guid.NewGuid():N}");
    private readonly string _password = SecretStore.Generate();
    private LocalCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = new LocalCluster(_directory);
        await _cluster.CreateAsync("admin", _password, extraSettings: new Dictionary<string, string> { ["wal_level"] = "replica", ["fsync"] = "off" });
        await _cluster.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAsync();
        _cluster.Purge();
    }

    [Fact]
    public async Task Init_on_a_server_without_logical_wal_gives_the_fix_in_one_line()
    {
        using var project = TestProject.Empty();
        project.Environment["STRATA_SOURCE_HOST"] = "127.0.0.1";
        project.Environment["STRATA_SOURCE_PORT"] = _cluster.State!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        project.Environment["STRATA_SOURCE_USER"] = "admin";
        project.Environment["STRATA_SOURCE_PASSWORD"] = _password;

        var init = await project.RunAsync("source", "init");
        var doctor = await project.RunAsync("doctor");

        Assert.Equal(1, init.ExitCode);
        Assert.Equal(
            [$"error: wal_level is 'replica' on 127.0.0.1:{_cluster.State.Port}, but change data capture needs 'logical'; run `ALTER SYSTEM SET wal_level = logical;` as a superuser, then restart the server"],
            init.ErrorLines);
        Assert.Equal(1, doctor.ExitCode);
    }
}
