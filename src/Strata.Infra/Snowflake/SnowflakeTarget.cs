using Strata.Configuration;

namespace Strata.Infra.Snowflake;

/// <summary>Where Strata is on the account, from strata.yml: its database (<c>warehouse.database</c>) and the user it connects as (<c>warehouse.user</c>).</summary>
/// <param name="Database">The database, as Snowflake stores it.</param>
/// <param name="User">The user, as Snowflake stores it; null when not configured (token authentication).</param>
public sealed record SnowflakeTarget(string Database, string? User)
{
    /// <summary>The target <paramref name="config"/> describes.</summary>
    /// <exception cref="InfraException">warehouse.database is in mixed case.</exception>
    public static SnowflakeTarget From(StrataConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var database = config.Text(Settings.WarehouseDatabase)!;

        // The adapter quotes a mixed-case name and keeps its case, while infra reads names as Snowflake reads them
        // unquoted (upper case): the two would mean different databases.
        if (database != database.ToLowerInvariant() && database != database.ToUpperInvariant())
        {
            throw new InfraException(
                $"{config.Get(Settings.WarehouseDatabase).Origin}: warehouse.database '{database}' is in mixed case, which the Snowflake adapter keeps and strata infra upper-cases; write it in lower or upper case");
        }

        return new SnowflakeTarget(SnowflakeNames.Name(database), config.Text(Settings.WarehouseUser) is { } user ? SnowflakeNames.Name(user) : null);
    }
}
