using Npgsql;
using Strata.Secrets;
using Strata.Source.Local;

namespace Strata.Testing;

/// <summary>
/// A throwaway PostgreSQL server of a test run: a fresh cluster (initdb) on a free loopback port with
/// <c>wal_level=logical</c>, started on first use and deleted when the test process exits. Most classes share one;
/// a class whose timing must not depend on the others (slot creation waits for every transaction running on the
/// server) asks for one of its own by name.
/// </summary>
/// <remarks>
/// Built on Strata's own <see cref="LocalCluster"/>, so it works as root (the server runs as the <c>postgres</c>
/// OS user) and as a normal user. Missing server programs fail every test that needs the server, with the fix.
/// </remarks>
public sealed class PostgresServer
{
    /// <summary>The superuser the tests connect as.</summary>
    public const string Superuser = "strata_test";

    /// <summary>The name of the server most test classes share.</summary>
    public const string SharedName = "shared";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<PostgresServer>>> Servers = new(StringComparer.Ordinal);

    private PostgresServer(LocalCluster cluster, string password)
    {
        Cluster = cluster;
        Password = password;
    }

    /// <summary>The cluster.</summary>
    public LocalCluster Cluster { get; }

    /// <summary>The superuser's password.</summary>
    public string Password { get; }

    /// <summary>The loopback port.</summary>
    public int Port => Cluster.State!.Port;

    /// <summary>The server called <paramref name="name"/> of this test run, started on first use.</summary>
    public static Task<PostgresServer> GetAsync(string name = SharedName) =>
        Servers.GetOrAdd(name, n => new Lazy<Task<PostgresServer>>(() => StartAsync(n), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>A superuser connection string for <paramref name="database"/>.</summary>
    public string ConnectionString(string database = "postgres", string? user = null, string? password = null) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = user ?? Superuser,
        Password = password ?? Password,
        Database = database,
        Pooling = false,
        Timeout = 15,
    }.ConnectionString;

    /// <summary>Opens a connection (superuser unless told otherwise).</summary>
    public async Task<NpgsqlConnection> OpenAsync(string database = "postgres", string? user = null, string? password = null)
    {
        var connection = new NpgsqlConnection(ConnectionString(database, user, password));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs SQL as the superuser.</summary>
    public async Task ExecuteAsync(string sql, string database = "postgres")
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a query as the superuser and returns its first value.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, string database = "postgres")
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>
    /// Drops a replication slot as someone else would under a running consumer: its walsender is ended and the drop
    /// retried until the slot is free (the consumer reconnects at once).
    /// </summary>
    public Task DropSlotAsync(string slot) => ExecuteAsync($"""
        DO $$
        BEGIN
            FOR attempt IN 1..200 LOOP
                PERFORM pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '{slot}' AND active_pid IS NOT NULL;
                BEGIN
                    PERFORM pg_drop_replication_slot('{slot}');
                    RETURN;
                EXCEPTION WHEN object_in_use THEN
                    PERFORM pg_sleep(0.05);
                END;
            END LOOP;
            RAISE EXCEPTION 'slot {slot} stayed in use';
        END $$
        """);

    /// <summary>
    /// Waits until replication slot <paramref name="slot"/> confirms all WAL written on the server so far (ingestion
    /// acknowledges a change only after the warehouse commit), failing after <paramref name="timeout"/>.
    /// </summary>
    /// <param name="slot">The slot.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="after">What was written, for the failure message.</param>
    public async Task WaitForSlotToConfirmAsync(string slot, TimeSpan timeout, string after)
    {
        // The insert position, not pg_current_wal_lsn(): with synchronous_commit off (as this server runs) the write
        // position can lag behind a commit that has returned, and a heartbeat before it would satisfy the wait.
        var lsn = await ScalarAsync<string>("SELECT pg_current_wal_insert_lsn()::text");
        await Eventually.TrueAsync(
            async () => await ScalarAsync<bool>($"SELECT coalesce(bool_or(confirmed_flush_lsn >= '{lsn}'::pg_lsn), false) FROM pg_replication_slots WHERE slot_name = '{slot}'"),
            timeout, $"slot {slot} to confirm WAL {lsn} after {after}");
    }

    private static async Task<PostgresServer> StartAsync(string name)
    {
        RemoveLeftovers();
        var directory = Path.Combine(Path.GetTempPath(), $"strata-tests-{Environment.ProcessId}-{name}");
        // Made here, open to the server's OS user: Strata would make a new parent folder owner-only.
        Directory.CreateDirectory(directory);
        var cluster = new LocalCluster(Path.Combine(directory, "pg"));
        var password = SecretStore.Generate();
        // A throwaway server: durability traded for speed.
        var settings = new Dictionary<string, string>
        {
            ["fsync"] = "off",
            ["synchronous_commit"] = "off",
            ["full_page_writes"] = "off",
            ["max_connections"] = "200",
            ["max_replication_slots"] = "100",
            ["max_wal_senders"] = "60",
            ["shared_buffers"] = "'256MB'",
        };
        await cluster.CreateAsync(Superuser, password, extraSettings: settings);
        await cluster.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                cluster.StopAsync().GetAwaiter().GetResult();
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        };
        return new PostgresServer(cluster, password);
    }

    /// <summary>Deletes the clusters of earlier test runs whose process is gone (a killed run cannot clean up after itself).</summary>
    private static void RemoveLeftovers()
    {
        foreach (var stale in Directory.GetDirectories(Path.GetTempPath(), "strata-tests-*"))
        {
            var owner = Path.GetFileName(stale)["strata-tests-".Length..].Split('-')[0];
            if (int.TryParse(owner, out var pid) && pid != Environment.ProcessId && !File.Exists($"/proc/{pid}/stat"))
            {
                try
                {
                    Directory.Delete(stale, recursive: true);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }
}
