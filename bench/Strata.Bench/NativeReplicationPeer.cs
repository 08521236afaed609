using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using Strata.Source.Local;

namespace Strata.Bench;

/// <summary>
/// The peer the snapshot and streaming figures are compared with: PostgreSQL's own logical replication into a second
/// local cluster (bench/work/peer), a subscription to the bench source's publication with <c>binary = true</c> and
/// <c>streaming = on</c>, measured on the same rows in the same run. It connects as a login of its own, made for the
/// run and dropped after it.
/// </summary>
internal sealed class NativeReplicationPeer : IAsyncDisposable
{
    private const string Subscription = "bench_peer";
    private const string Login = "bench_peer";
    private readonly BenchSource _source;
    private readonly LocalCluster _cluster;
    private readonly string _connectionString;
    private readonly string _password = RandomNumberGenerator.GetHexString(32);

    private NativeReplicationPeer(BenchSource source, LocalCluster cluster, string connectionString)
    {
        _source = source;
        _cluster = cluster;
        _connectionString = connectionString;
    }

    /// <summary>The subscriber cluster, started, with the published tables' definitions and nothing in them.</summary>
    public static async Task<NativeReplicationPeer> StartAsync(BenchSource source)
    {
        var cluster = new LocalCluster(Path.Combine(source.Directory, "peer"));
        var superuser = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        await cluster.CreateAsync(superuser.Username!, superuser.Password!, extraSettings: new Dictionary<string, string>
        {
            ["max_logical_replication_workers"] = "8",
            ["max_sync_workers_per_subscription"] = "4",
            ["max_worker_processes"] = "16",
        });
        await cluster.StartAsync();
        var connection = new NpgsqlConnectionStringBuilder(superuser.ConnectionString) { Port = cluster.State!.Port, Database = "postgres" }.ConnectionString;
        var peer = new NativeReplicationPeer(source, cluster, connection);
        await peer.ResetAsync();
        return peer;
    }

    /// <summary>Initial sync of every published table (<c>copy_data</c>): rows copied and seconds until every table is ready.</summary>
    public async Task<(long Rows, double Seconds)> InitialSyncAsync()
    {
        var clock = Stopwatch.StartNew();
        await SubscribeAsync(copyData: true, enabled: true);
        await WaitAsync("SELECT count(*) = 0 FROM pg_subscription_rel WHERE srsubstate <> 'r'", TimeSpan.FromMinutes(30), "the initial sync");
        var seconds = clock.Elapsed.TotalSeconds;
        var rows = await CountAsync();
        return rows > 0 ? (rows, seconds) : throw new InvalidOperationException("the peer's initial sync copied no rows: it measured nothing, no figure printed");
    }

    /// <summary>
    /// A subscription that is synced and then disabled, so that changes made now wait in its slot; <see cref="ApplyAsync"/>
    /// then times draining them. Every table is copied first, so updates find their rows as a real subscriber's do.
    /// </summary>
    public async Task PrepareApplyAsync()
    {
        await InitialSyncAsync();
        await ExecuteAsync($"ALTER SUBSCRIPTION {Subscription} DISABLE");
    }

    /// <summary>Seconds from enabling the subscription until it has applied the source's WAL up to <paramref name="end"/>.</summary>
    public async Task<double> ApplyAsync(string end)
    {
        var clock = Stopwatch.StartNew();
        await ExecuteAsync($"ALTER SUBSCRIPTION {Subscription} ENABLE");
        await WaitAsync($"SELECT coalesce(bool_and(latest_end_lsn >= '{end}'), false) FROM pg_stat_subscription WHERE subname = '{Subscription}' AND relid IS NULL",
            TimeSpan.FromMinutes(30), $"the peer to apply up to {end}");
        return clock.Elapsed.TotalSeconds;
    }

    public async ValueTask DisposeAsync()
    {
        await ResetAsync();
        await _cluster.StopAsync();
    }

    /// <summary>No subscription (its slot dropped on the source), empty tables, and no peer login on the source.</summary>
    private async Task ResetAsync()
    {
        // Dropping the subscription drops its slot on the source too.
        await ExecuteAsync($"DROP SUBSCRIPTION IF EXISTS {Subscription}");
        await _source.ExecuteAsync($"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{Login}') THEN " +
            $"EXECUTE 'REVOKE ALL ON ALL TABLES IN SCHEMA operations FROM {Login}'; EXECUTE 'REVOKE USAGE ON SCHEMA operations FROM {Login}'; DROP ROLE {Login}; END IF; END $$");
        await ExecuteAsync("DROP SCHEMA IF EXISTS operations CASCADE");
        await ExecuteAsync(await SchemaAsync());
    }

    private async Task SubscribeAsync(bool copyData, bool enabled)
    {
        await ResetAsync();
        await _source.ExecuteAsync($"CREATE ROLE {Login} LOGIN REPLICATION PASSWORD '{_password}'; GRANT USAGE ON SCHEMA operations TO {Login}; GRANT SELECT ON ALL TABLES IN SCHEMA operations TO {Login}");
        var source = new NpgsqlConnectionStringBuilder(_source.ConnectionString);
        var connection = $"host={source.Host} port={source.Port.ToString(CultureInfo.InvariantCulture)} dbname={source.Database} user={Login} password={_password}";
        await ExecuteAsync($"CREATE SUBSCRIPTION {Subscription} CONNECTION '{connection}' PUBLICATION strata_publication " +
            $"WITH (binary = true, streaming = on, copy_data = {copyData}, enabled = {enabled})");
    }

    /// <summary>The published tables' definitions on the source (columns and primary keys), as DDL for the subscriber.</summary>
    private async Task<string> SchemaAsync() => "CREATE SCHEMA operations;\n" + await _source.ScalarAsync<string>("""
        SELECT string_agg(format('CREATE TABLE operations.%I (%s%s);', c.relname,
                   (SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
                    FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                   coalesce((SELECT ', PRIMARY KEY (' || string_agg(quote_ident(a.attname), ', ') || ')'
                             FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                             WHERE i.indrelid = c.oid AND i.indisprimary), '')), E'\n')
        FROM pg_publication_tables pt
        JOIN pg_namespace n ON n.nspname = pt.schemaname
        JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename
        WHERE pt.pubname = 'strata_publication' AND pt.schemaname = 'operations'
        """);

    private async Task<long> CountAsync()
    {
        var tables = (await ScalarAsync<string>("SELECT string_agg(format('%I.%I', schemaname, relname), ',') FROM pg_stat_user_tables WHERE schemaname = 'operations'")).Split(',');
        long rows = 0;
        foreach (var table in tables)
        {
            rows += await ScalarAsync<long>($"SELECT count(*) FROM {table}");
        }

        return rows;
    }

    private async Task WaitAsync(string condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await ScalarAsync<bool>(condition))
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"waited {limit.TotalMinutes:0} min for {what}: it measured nothing, no figure printed");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
