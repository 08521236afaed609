using Strata.Testing;

namespace Strata.Tests.Source;

/// <summary>Base of test classes whose source is a database of their own on the shared test server.</summary>
/// <param name="key">Short, unique per class: names the database (<c>t_key</c>), CDC login and publication.</param>
/// <param name="initialize">Run <c>strata source init</c> before the tests.</param>
public abstract class SharedServerTest(string key, bool initialize = false) : IAsyncLifetime
{
    protected PostgresServer Server { get; private set; } = null!;

    protected TestProject Project { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Server = await PostgresServer.GetAsync();
        Project = TestProject.OnSharedServer(Server, key);
        if (initialize)
        {
            var init = await Project.RunAsync("source", "init");
            Assert.True(init.ExitCode == 0, init.ToString());
        }
    }

    public virtual async Task DisposeAsync()
    {
        // Slots pin WAL and are counted against max_replication_slots: leave none behind.
        await Server.ExecuteAsync(
            $"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '{Project.Database}' AND NOT active");
        Project.Dispose();
    }
}
