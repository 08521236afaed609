using Strata.Testing;

namespace Strata.Tests.Source;

/// <summary>Base of test classes whose source is a database of their own on the shared test server.</summary>
/// <param name="key">Short, unique per class: names the database (<c>t_key</c>), CDC login and publication.</param>
/// <param name="initialize">Run <c>strata source init</c> before the tests.</param>
/// <param name="server">The test server: the one most classes share, or a name of its own for a class whose timing
/// must not depend on the others' transactions (creating a slot waits for every transaction running on the server).</param>
public abstract class SharedServerTest(string key, bool initialize = false, string server = PostgresServer.SharedName) : IAsyncLifetime
{
    protected PostgresServer Server { get; private set; } = null!;

    protected TestProject Project { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Server = await PostgresServer.GetAsync(server);
        Project = TestProject.OnSharedServer(Server, key);
        if (initialize)
        {
            var init = await Project.RunAsync("source", "init");
            Assert.True(init.ExitCode == 0, init.ToString());
        }
    }

    /// <summary>Points the project's warehouse at <paramref name="engine"/>: a DuckDB file, or PostgreSQL on the test server.</summary>
    protected void UseWarehouseEngine(string engine)
    {
        Project.Environment["STRATA_WAREHOUSE_ENGINE"] = engine;
        Project.Environment["STRATA_WAREHOUSE_HOST"] = "127.0.0.1";
        Project.Environment["STRATA_WAREHOUSE_PORT"] = Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Project.Environment["STRATA_WAREHOUSE_USER"] = PostgresServer.Superuser;
        Project.Environment["STRATA_WAREHOUSE_PASSWORD"] = Server.Password;
    }

    /// <summary>Points the project at a pipeline (slot; slots are per server) and an empty warehouse of its own.</summary>
    protected async Task UsePipelineAsync(string engine, string name)
    {
        Project.Environment["STRATA_INGEST_PIPELINE"] = $"{engine}_{name}";
        Project.Environment["STRATA_WAREHOUSE_PATH"] = Path.Combine(Project.Directory, $"{name}.duckdb");
        Project.Environment["STRATA_WAREHOUSE_DATABASE"] = $"w_{engine}_{name}";
        if (engine == "postgres")
        {
            await Server.ExecuteAsync($"DROP DATABASE IF EXISTS w_{engine}_{name}");
        }
    }

    public virtual async Task DisposeAsync()
    {
        var databaseExists = await Server.ScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{Project.Database}')");
        if (databaseExists)
        {
            // Tables a test made in the published schema go with it, so one test's failure does not cascade into the next.
            await Server.ExecuteAsync("""
                DO $$
                DECLARE t text;
                BEGIN
                    FOR t IN SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
                             WHERE schemaname = 'operations' AND tablename NOT IN ('customers', 'products', 'orders', 'order_items')
                    LOOP
                        EXECUTE 'DROP TABLE ' || t || ' CASCADE';
                    END LOOP;
                END $$
                """, Project.Database);
        }

        // Slots pin WAL and are counted against max_replication_slots: leave none behind.
        await Server.ExecuteAsync(
            $"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '{Project.Database}' AND NOT active");
        if (databaseExists)
        {
            // The next test's warehouse is a new one: retired warehouses give up their slots, as an operator would.
            await Server.ExecuteAsync(
                "DO $$ BEGIN IF to_regclass('strata.slot_owners') IS NOT NULL THEN " +
                "DELETE FROM strata.slot_owners WHERE slot_name NOT IN (SELECT slot_name FROM pg_replication_slots); END IF; END $$", Project.Database);
        }

        Project.Dispose();
    }
}
