using Strata.Configuration;

namespace Strata.Infra.Snowflake;

/// <summary>Where Strata is on the account, from strata.yml: its database (<c>warehouse.database</c>) and the user it connects as (<c>warehouse.user</c>).</summary>
/// <param name="Database">The database, as Snowflake stores it.</param>
/// <param name="User">The user, as Snowflake stores it; null when not configured (token authentication).</param>
public sealed record SnowflakeTarget(string Database, string? User)
{
    /// <summary>The target <paramref name="config"/> describes.</summary>
    public static SnowflakeTarget From(StrataConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new SnowflakeTarget(SnowflakeNames.Name(config.Text(Settings.WarehouseDatabase)!), config.Text(Settings.WarehouseUser) is { } user ? SnowflakeNames.Name(user) : null);
    }
}
