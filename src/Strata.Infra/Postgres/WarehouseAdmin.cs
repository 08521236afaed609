using Strata.Configuration;
using Strata.Source;
using Strata.Source.Connection;

namespace Strata.Infra.Postgres;

/// <summary>
/// The PostgreSQL warehouse's server as the configured warehouse login (<c>warehouse.user</c>, else the source's
/// admin login on the source's server): the login that plans and applies the roles, as the warehouse adapter reaches it.
/// </summary>
internal static class WarehouseAdmin
{
    public static SourceEndpoint Endpoint(StrataConfig config)
    {
        if (config.Text(Settings.WarehouseHost) is { } host)
        {
            return new SourceEndpoint(host, config.Integer(Settings.WarehousePort) ?? 5432, config.Text(Settings.WarehouseUser) ?? Environment.UserName,
                config.Secret(Settings.WarehousePassword), isLocal: false, Settings.WarehousePassword);
        }

        var endpoint = SourceEndpoint.From(config, SourceSettings.From(config));
        var user = config.Text(Settings.WarehouseUser);
        var password = config.Secret(Settings.WarehousePassword);
        return user is not null || password is not null ? endpoint.As(user ?? endpoint.User, password, Settings.WarehousePassword) : endpoint;
    }
}
