using Strata.Configuration;
using Strata.Source;
using Strata.Source.Connection;
using Strata.Warehouse;
using Strata.Warehouse.DuckDb;
using Strata.Warehouse.Metadata;
using Strata.Warehouse.Postgres;
using Strata.Warehouse.Snowflake;
using Strata.Warehouse.Sharing;

namespace Strata.Platform;

/// <summary>
/// The composition root of the warehouse: every adapter's provider, one line each, and how the CLI and the host open
/// the configured one. Ingestion, transformation and reports receive an <see cref="IWarehouse"/> or an
/// <see cref="OpenWarehouse"/> and never name an engine.
/// </summary>
public static class Warehouses
{
    private static readonly IReadOnlyList<IWarehouseProvider> Providers =
    [
        new DuckDbWarehouseProvider(),
        new PostgresWarehouseProvider(OnSourceServer),
        new SnowflakeWarehouseProvider(),
    ];

    /// <summary>The provider <c>warehouse.engine</c> names; another value is a one-line error listing the engines.</summary>
    public static IWarehouseProvider Provider(StrataConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var engine = config.Text(Settings.WarehouseEngine);
        return Providers.FirstOrDefault(p => p.Engine == engine) ?? throw new Errors.ConfigurationException(
            $"{config.Get(Settings.WarehouseEngine).Origin}: warehouse.engine must be {string.Join(" or ", Providers.Select(p => p.Engine))}, not '{engine}'");
    }

    /// <summary>Opens the warehouse <c>warehouse.*</c> describes.</summary>
    public static Task<IWarehouse> OpenAsync(StrataConfig config, CancellationToken cancellationToken = default) => Provider(config).OpenAsync(config, cancellationToken);

    /// <summary>
    /// Creates or migrates the <c>_strata</c> schema as <paramref name="config"/>'s login — <c>strata infra apply</c>'s
    /// admin, so that the parts' least-privilege logins never need to.
    /// </summary>
    public static async Task MigrateMetadataAsync(StrataConfig config, CancellationToken cancellationToken = default)
    {
        await using var warehouse = await OpenAsync(config, cancellationToken);
        await StrataSchema.EnsureAsync(warehouse, cancellationToken);
    }

    /// <summary>The process's one handle of the configured warehouse, opened on first use and lent to every service (<see cref="SharedWarehouse.Lend"/>).</summary>
    public static SharedWarehouse Shared(StrataConfig config) => new(Opener(config));

    /// <summary>
    /// The SQL parser for column-level lineage (<c>strata docs</c>, the dashboard's <c>/docs</c>): DuckDB's, on an
    /// in-memory database, whichever warehouse is configured; the caller disposes it.
    /// </summary>
    public static ISqlParser SqlParser() => new DuckDbSqlParser();

    /// <summary>Opens it later, as often as asked: for services that hold a handle per run.</summary>
    public static OpenWarehouse Opener(StrataConfig config) => cancellationToken => OpenAsync(config, cancellationToken);

    /// <summary>
    /// A warehouse database on the source's server (the local development cluster by default), as <c>warehouse.user</c>
    /// when that is set (never silently as another login), else as the source's admin login.
    /// </summary>
    private static (string ConnectionString, SettingDefinition PasswordSetting) OnSourceServer(StrataConfig config)
    {
        var endpoint = SourceEndpoint.From(config, SourceSettings.From(config));
        var passwordSetting = Settings.SourcePassword;
        var user = config.Text(Settings.WarehouseUser);
        var password = config.Secret(Settings.WarehousePassword);
        if (user is not null || password is not null)
        {
            (endpoint, passwordSetting) = (endpoint.As(user ?? endpoint.User, password, Settings.WarehousePassword), Settings.WarehousePassword);
        }

        return (endpoint.ConnectionString(config.Text(Settings.WarehouseDatabase)!, "strata warehouse"), passwordSetting);
    }
}
