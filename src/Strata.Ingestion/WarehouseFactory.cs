using Npgsql;
using Strata.Configuration;
using Strata.Errors;
using Strata.Source;
using Strata.Source.Connection;
using Strata.Source.Schema;
using Strata.Warehouse;
using Strata.Warehouse.DuckDb;
using Strata.Warehouse.Postgres;

namespace Strata.Ingestion;

/// <summary>Opens the configured warehouse: a DuckDB file (default) or a PostgreSQL database.</summary>
public static class WarehouseFactory
{
    /// <summary>Opens the warehouse <c>warehouse.*</c> describes.</summary>
    public static async Task<IWarehouse> OpenAsync(StrataConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var engine = config.Text(Settings.WarehouseEngine);
        switch (engine)
        {
            case "duckdb":
                var path = config.FullPath(Settings.WarehousePath)!;
                try
                {
                    return await DuckDbWarehouse.OpenAsync(path, cancellationToken);
                }
                catch (WarehouseException ex) when (ex.InUse && File.Exists(config.HostFilePath))
                {
                    throw new WarehouseException(
                        $"strata up is running for this project and owns the DuckDB warehouse {path}; while it runs, `strata status`, `strata ingest status`, " +
                        "`strata reconcile` and `strata report run` go through it — stop it (Ctrl+C) for other commands, or use the PostgreSQL warehouse", ex, WarehouseErrorKind.InUse);
                }

            case "postgres":
                var (connectionString, passwordSetting) = PostgresConnectionString(config);
                await CreateDatabaseIfMissingAsync(connectionString, passwordSetting, cancellationToken);
                return await PostgresWarehouse.OpenAsync(connectionString, cancellationToken);
            default:
                throw new ConfigurationException(
                    $"{config.Get(Settings.WarehouseEngine).Origin}: warehouse.engine must be duckdb or postgres, not '{engine}'");
        }
    }

    /// <summary>The warehouse's connection string, and the setting its password comes from (for the error when it is rejected).</summary>
    private static (string ConnectionString, SettingDefinition PasswordSetting) PostgresConnectionString(StrataConfig config)
    {
        var database = config.Text(Settings.WarehouseDatabase)!;
        if (config.Text(Settings.WarehouseHost) is { } host)
        {
            return (new NpgsqlConnectionStringBuilder
            {
                Host = host,
                Port = config.Integer(Settings.WarehousePort) ?? 5432,
                Username = config.Text(Settings.WarehouseUser),
                Password = config.Secret(Settings.WarehousePassword),
                Database = database,
                ApplicationName = "strata warehouse",
            }.ConnectionString, Settings.WarehousePassword);
        }

        // No host: a database of its own on the source server (the local development cluster by default), as
        // warehouse.user when that is set (never silently as another login), else as the source's admin login.
        var endpoint = SourceEndpoint.From(config, SourceSettings.From(config));
        var passwordSetting = Settings.SourcePassword;
        var user = config.Text(Settings.WarehouseUser);
        var password = config.Secret(Settings.WarehousePassword);
        if (user is not null || password is not null)
        {
            (endpoint, passwordSetting) = (endpoint.As(user ?? endpoint.User, password, Settings.WarehousePassword), Settings.WarehousePassword);
        }

        return (new NpgsqlConnectionStringBuilder(endpoint.ConnectionString(database, "strata warehouse")) { Pooling = true }.ConnectionString, passwordSetting);
    }

    private static async Task CreateDatabaseIfMissingAsync(string connectionString, SettingDefinition passwordSetting, CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            if (await connection.ScalarAsync<object>("SELECT 1 FROM pg_database WHERE datname = $1", cancellationToken, target.Database!) is null)
            {
                await connection.ExecuteAsync($"CREATE DATABASE {Sql.Identifier(target.Database!)}", cancellationToken);
            }
        }
        catch (PostgresException ex) when (ex.SqlState is "42501" or "3D000")
        {
            // No right to create it (or no maintenance database): opening it below says what is wrong.
        }
        catch (PostgresException ex) when (ex.SqlState is "28P01" or "28000")
        {
            throw new WarehouseException(
                $"the PostgreSQL warehouse at {target.Host}:{target.Port} rejected login '{target.Username}' (authentication failed); " +
                $"set its password in {passwordSetting.EnvironmentVariable} or {passwordSetting.EnvironmentVariable}_FILE", ex);
        }
        catch (NpgsqlException ex)
        {
            throw new WarehouseException(
                $"cannot reach the PostgreSQL warehouse at {target.Host}:{target.Port} ({ex.Message}); check warehouse.host, warehouse.port and its password", ex);
        }
    }
}
