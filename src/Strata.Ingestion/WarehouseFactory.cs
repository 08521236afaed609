using Npgsql;
using Strata.Configuration;
using Strata.Errors;
using Strata.Source;
using Strata.Source.Connection;
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
                return await DuckDbWarehouse.OpenAsync(config.FullPath(Settings.WarehousePath)!, cancellationToken);
            case "postgres":
                return await PostgresWarehouse.OpenAsync(await PostgresConnectionStringAsync(config, cancellationToken), cancellationToken);
            default:
                throw new ConfigurationException(
                    $"{config.Get(Settings.WarehouseEngine).Origin}: warehouse.engine must be duckdb or postgres, not '{engine}'");
        }
    }

    private static async Task<string> PostgresConnectionStringAsync(StrataConfig config, CancellationToken cancellationToken)
    {
        var database = config.Text(Settings.WarehouseDatabase)!;
        if (config.Text(Settings.WarehouseHost) is { } host)
        {
            return new NpgsqlConnectionStringBuilder
            {
                Host = host,
                Port = config.Integer(Settings.WarehousePort) ?? 5432,
                Username = config.Text(Settings.WarehouseUser),
                Password = config.Secret(Settings.WarehousePassword),
                Database = database,
                ApplicationName = "strata warehouse",
            }.ConnectionString;
        }

        // No host: a database of its own on the source server (the local development cluster by default).
        var settings = SourceSettings.From(config);
        var endpoint = SourceEndpoint.From(config, settings);
        await using (var connection = await endpoint.OpenAsync(settings.MaintenanceDatabase, cancellationToken))
        {
            if (await connection.ScalarAsync<object>("SELECT 1 FROM pg_database WHERE datname = $1", cancellationToken, database) is null)
            {
                await connection.ExecuteAsync($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", cancellationToken);
            }
        }

        return new NpgsqlConnectionStringBuilder(endpoint.ConnectionString(database, "strata warehouse")) { Pooling = true }.ConnectionString;
    }
}
