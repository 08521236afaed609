using Npgsql;
using Strata.Configuration;
using Strata.Errors;
using Strata.Output;
using Strata.Source.Connection;
using Strata.Source.Diagnostics;
using Strata.Source.Local;
using Strata.Source.Schema;
using Strata.Source.Seeding;
using Strata.Source.Workload;

namespace Strata.Source;

/// <summary>
/// Everything <c>strata source …</c> does, for the CLI and the host alike: the local development cluster,
/// the CDC set-up of any server, sample data, the live workload and status.
/// </summary>
public sealed class SourceService
{
    private readonly StrataConfig _config;
    private readonly IStrataConsole _console;

    /// <summary>Creates the service for a project's configuration.</summary>
    public SourceService(StrataConfig config, IStrataConsole console)
    {
        _config = config;
        _console = console;
        Settings = SourceSettings.From(config);
    }

    /// <summary>The source settings in effect.</summary>
    public SourceSettings Settings { get; }

    /// <summary>The local development cluster (whether or not it exists).</summary>
    public LocalCluster Cluster => new(Settings.LocalDirectory, Settings.BinDirectory, Settings.OsUser);

    /// <summary>Creates (first time) and starts the local cluster, applies <see cref="InitAsync"/>, and seeds a new cluster.</summary>
    /// <param name="port">A port to move to (0 = any free one), or null to keep the remembered one.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<UpResult> UpAsync(int? port = null, CancellationToken cancellationToken = default)
    {
        RequireLocal("source up");
        var cluster = Cluster;
        var passwordSetting = Configuration.Settings.SourcePassword;
        var password = _config.Secret(passwordSetting);
        if (password is null)
        {
            password = _config.SecretStore.GetOrCreate(passwordSetting.SecretFileName);
        }
        else if (!cluster.Exists)
        {
            // Keep the password the cluster is created with, so later commands work without the variable.
            _config.SecretStore.Write(passwordSetting.SecretFileName, password);
        }

        var created = await cluster.CreateAsync(Settings.User, password, port ?? 0, cancellationToken: cancellationToken);
        var started = await cluster.StartAsync(created ? null : port, cancellationToken);
        var changes = await InitAsync(cancellationToken: cancellationToken);
        SeedResult? seeded = null;
        if (created)
        {
            seeded = await new SourceService(_config, NullConsole.Instance).SeedAsync(SeedOptions.Initial, cancellationToken);
        }

        return new UpResult($"127.0.0.1:{cluster.State!.Port}", created, started, changes, seeded);
    }

    /// <summary>Applies the schema, CDC login and publication to the configured server, or to <paramref name="connection"/>.</summary>
    /// <param name="connection">A connection string naming another server (host, port, user; no password).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<IReadOnlyList<string>> InitAsync(string? connection = null, CancellationToken cancellationToken = default)
    {
        var endpoint = connection is null ? Endpoint() : EndpointFrom(connection);
        var initializer = Initializer(endpoint);
        try
        {
            var changes = await initializer.ApplyAsync(cancellationToken);
            foreach (var warning in initializer.Warnings)
            {
                _console.Warning(warning);
            }

            return changes;
        }
        catch (NpgsqlException ex) when (ex is not PostgresException)
        {
            throw endpoint.Translate(ex, Settings.Database);
        }
    }

    /// <summary>
    /// What plans and applies the source's CDC set-up on <paramref name="endpoint"/>: <c>source init</c> and the source
    /// half of <c>strata infra</c> are this one object.
    /// </summary>
    public SourceInitializer Initializer(SourceEndpoint endpoint) =>
        new(endpoint, Settings, () => _config.Secret(Configuration.Settings.SourceCdcPassword), _config.SecretStore);

    /// <summary>Replaces the source tables' rows with deterministic sample data.</summary>
    public async Task<SeedResult> SeedAsync(SeedOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var endpoint = Endpoint();
        await RequireTablesAsync(endpoint, cancellationToken);
        return await new Seeder(endpoint.ConnectionString(Settings.Database, "strata seed"), Settings.Schema, _console)
            .RunAsync(options, cancellationToken);
    }

    /// <summary>Runs the live workload until <paramref name="cancellationToken"/> fires or the duration ends.</summary>
    public async Task<WorkloadStats> SimulateAsync(SimulateOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var endpoint = Endpoint();
        await RequireTablesAsync(endpoint, cancellationToken);
        try
        {
            return await new WorkloadSimulator(endpoint.ConnectionString(Settings.Database, "strata simulate"), Settings.Schema, _console)
                .RunAsync(options, cancellationToken);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException)
        {
            throw endpoint.Translate(ex, Settings.Database);
        }
    }

    /// <summary>Whether the source runs, where, and how many rows each table has.</summary>
    public async Task<SourceStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        var cluster = Cluster;
        var status = new SourceStatus
        {
            Kind = Settings.IsLocal ? "local" : "external",
            Running = false,
            Database = Settings.Database,
            DataDirectory = Settings.IsLocal ? cluster.DataDirectory : null,
        };
        if (Settings.IsLocal && !cluster.Exists)
        {
            return status with { Problem = "not created; run `strata source up`" };
        }

        var endpoint = Endpoint();
        status = status with { Address = endpoint.Address };
        if (Settings.IsLocal && !await cluster.IsRunningAsync(cancellationToken))
        {
            return status with { Problem = "stopped; run `strata source up`" };
        }

        try
        {
            await using var connection = await endpoint.OpenAsync(Settings.Database, cancellationToken);
            var counts = new Dictionary<string, long>();
            foreach (var table in SourceTables.Names)
            {
                var qualified = Sql.Qualified(Settings.Schema, table);
                if (await connection.RelationExistsAsync(qualified, cancellationToken))
                {
                    counts[table] = await connection.ScalarAsync<long>($"SELECT count(*) FROM {qualified}", cancellationToken);
                }
            }

            return status with
            {
                Running = true,
                ServerVersion = await connection.ScalarAsync<string>("SHOW server_version", cancellationToken),
                WalLevel = await connection.ScalarAsync<string>("SHOW wal_level", cancellationToken),
                RowCounts = counts,
            };
        }
        catch (SourceException ex)
        {
            // A server that refused the login or the database still runs: the local cluster's process was just
            // seen, and an external server answered with an error of its own.
            return status with { Running = Settings.IsLocal || ex.InnerException is PostgresException, Problem = ex.Message };
        }
    }

    /// <summary>Stops the local cluster; with <paramref name="purge"/> also deletes it. Returns what was done.</summary>
    public async Task<string> DownAsync(bool purge, CancellationToken cancellationToken = default)
    {
        RequireLocal("source down");
        var cluster = Cluster;
        if (!cluster.Exists && !Directory.Exists(cluster.Directory))
        {
            return "The local source does not exist; nothing to do.";
        }

        var stopped = cluster.Exists && await cluster.StopAsync(cancellationToken);
        if (purge)
        {
            cluster.Purge();
            return stopped ? $"Stopped and deleted the local source in {cluster.Directory}." : $"Deleted the local source in {cluster.Directory}.";
        }

        return stopped ? "Stopped the local source." : "The local source was not running; nothing to do.";
    }

    /// <summary>The configured source, reached as its administrative login.</summary>
    public SourceEndpoint Endpoint() => SourceEndpoint.From(_config, Settings);

    private SourceEndpoint EndpointFrom(string connection)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connection);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"--connection is not a valid connection string ({ex.Message}); use e.g. \"Host=db.example.com;Port=5432;Username=admin\"");
        }

        var variable = Configuration.Settings.SourcePassword.EnvironmentVariable;
        if (builder.Password is not null)
        {
            throw new UsageException($"--connection must not carry a password (it would land in shell history); put it in {variable} or {variable}_FILE");
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new UsageException("--connection needs a Host, e.g. \"Host=db.example.com;Port=5432;Username=admin\"");
        }

        return new SourceEndpoint(builder.Host, builder.Port, builder.Username ?? Settings.User, _config.Secret(Configuration.Settings.SourcePassword), isLocal: false);
    }

    private void RequireLocal(string command)
    {
        if (!Settings.IsLocal)
        {
            var origin = _config.Get(Configuration.Settings.SourceHost).Origin;
            throw new UsageException(
                $"source.host is set ({origin}), so the source is an existing server; `strata {command}` manages only the local development cluster — " +
                "use `strata source init` for your server, or unset source.host");
        }
    }

    private async Task RequireTablesAsync(SourceEndpoint endpoint, CancellationToken cancellationToken)
    {
        await using var connection = await endpoint.OpenAsync(Settings.Database, cancellationToken);
        foreach (var table in SourceTables.Names)
        {
            if (!await connection.RelationExistsAsync(Sql.Qualified(Settings.Schema, table), cancellationToken))
            {
                throw new SourceException($"table {Settings.Schema}.{table} does not exist in {Settings.Database} on {endpoint.Address}; run `strata source init`");
            }
        }
    }
}
