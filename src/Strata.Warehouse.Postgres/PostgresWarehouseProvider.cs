using Npgsql;
using Strata.Configuration;

namespace Strata.Warehouse.Postgres;

/// <summary>
/// A PostgreSQL database as the warehouse: at <c>warehouse.host</c>, or — with no host — a database of its own on the
/// source's server, whose connection <paramref name="onSourceServer"/> gives (the source is not this adapter's to know).
/// The database is created when it is missing and the login may.
/// </summary>
/// <param name="onSourceServer">The connection string of <c>warehouse.database</c> on the source's server, and the setting its password comes from.</param>
public sealed class PostgresWarehouseProvider(Func<StrataConfig, (string ConnectionString, SettingDefinition PasswordSetting)> onSourceServer) : IWarehouseProvider
{
    /// <inheritdoc />
    public string Engine => "postgres";

    /// <inheritdoc />
    public bool SingleProcess => false;

    /// <inheritdoc />
    /// <remarks>A server cannot be asked without connecting; opening says what is wrong.</remarks>
    public bool MayExist(StrataConfig config) => true;

    /// <inheritdoc />
    public async Task<IWarehouse> OpenAsync(StrataConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (connectionString, passwordSetting) = config.Text(Settings.WarehouseHost) is { } host
            ? (new NpgsqlConnectionStringBuilder
            {
                Host = host,
                Port = config.Integer(Settings.WarehousePort) ?? 5432,
                Username = config.Text(Settings.WarehouseUser),
                Password = config.Secret(Settings.WarehousePassword),
                Database = config.Text(Settings.WarehouseDatabase)!,
                ApplicationName = "strata warehouse",
            }.ConnectionString, Settings.WarehousePassword)
            : onSourceServer(config);
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = true }.ConnectionString;
        await CreateDatabaseIfMissingAsync(connectionString, passwordSetting, cancellationToken);
        return await PostgresWarehouse.OpenAsync(connectionString, cancellationToken);
    }

    private static async Task CreateDatabaseIfMissingAsync(string connectionString, SettingDefinition passwordSetting, CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = target.Database! } } };
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{target.Database!.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (PostgresException ex) when (ex.SqlState is "42501" or "3D000" or "42P04")
        {
            // No right to create it, no maintenance database, or another process created it just now: opening it below says what is wrong.
        }
        catch (PostgresException ex) when (ex.SqlState is "28P01" or "28000")
        {
            throw new WarehouseException(
                $"the PostgreSQL warehouse at {target.Host}:{target.Port} rejected login '{target.Username}' (authentication failed); " +
                $"set its password in {passwordSetting.EnvironmentVariable} or {passwordSetting.EnvironmentVariable}_FILE", ex, WarehouseErrorKind.Permission, ex.SqlState);
        }
        catch (NpgsqlException ex)
        {
            throw new WarehouseException(
                $"cannot reach the PostgreSQL warehouse at {target.Host}:{target.Port} ({ex.Message}); check warehouse.host, warehouse.port and its password", ex, WarehouseErrorKind.Unreachable);
        }
    }
}
