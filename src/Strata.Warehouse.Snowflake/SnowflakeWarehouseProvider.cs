using Strata.Configuration;
using Strata.Errors;
using Strata.Warehouse.Snowflake.Api;
using Strata.Warehouse.Snowflake.Auth;

namespace Strata.Warehouse.Snowflake;

/// <summary>
/// Opens Snowflake from <c>warehouse.account</c>, <c>user</c>, <c>role</c>, <c>warehouse</c> (compute),
/// <c>database</c> and the credentials (a private key from <c>warehouse.private_key_file</c> or the secret
/// <c>warehouse.private_key</c>; or an OAuth / programmatic access token from the secret <c>warehouse.token</c>).
/// Opening asks Snowflake once, so that a wrong account, key or network is one line here rather than later.
/// </summary>
public sealed class SnowflakeWarehouseProvider : IWarehouseProvider
{
    /// <inheritdoc />
    public string Engine => "snowflake";

    /// <inheritdoc />
    public bool SingleProcess => false;

    /// <inheritdoc />
    /// <remarks>A remote account: only asking tells.</remarks>
    public bool MayExist(StrataConfig config) => true;

    /// <inheritdoc />
    public async Task<IWarehouse> OpenAsync(StrataConfig config, CancellationToken cancellationToken = default)
    {
        var (options, authenticator) = Connection(config);
        await ProbeAsync(config, options, authenticator, cancellationToken);
        var client = new SnowflakeClient(options, authenticator);
        return new SnowflakeWarehouse(client, $"{options.Endpoint}/{options.Database}");
    }

    /// <summary>
    /// A client for the account <c>warehouse.*</c> describes, in no database — for account-level statements (roles,
    /// compute warehouses, grants: <c>strata infra</c>), which must see a missing database as missing rather than
    /// have it created — asked once, as <see cref="OpenAsync"/> does. The caller disposes it.
    /// </summary>
    public static async Task<SnowflakeClient> OpenAccountClientAsync(StrataConfig config, CancellationToken cancellationToken = default)
    {
        var (options, authenticator) = Connection(config);
        options = options with { Database = null };
        await ProbeAsync(config, options, authenticator, cancellationToken);
        return new SnowflakeClient(options, authenticator);
    }

    private static (SnowflakeClientOptions Options, SnowflakeAuthenticator Authenticator) Connection(StrataConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var account = Required(config, Settings.WarehouseAccount);
        var options = new SnowflakeClientOptions
        {
            BaseUrl = config.Text(Settings.WarehouseBaseUrl) is { } url ? BaseUrl(config, url) : SnowflakeAccount.BaseUrl(account),
            Database = config.Text(Settings.WarehouseDatabase) is { } database ? SnowflakeIdentifiers.Stored(database) : null,
            Warehouse = config.Text(Settings.WarehouseCompute) is { } compute ? SnowflakeIdentifiers.Stored(compute) : null,
            Role = config.Text(Settings.WarehouseRole) is { } role ? SnowflakeIdentifiers.Stored(role) : null,
            StatementTimeout = config.Duration(Settings.WarehouseStatementTimeout),
        };
        return (options, Authenticator(config, account));
    }

    /// <summary>
    /// One statement with few retries: an unreachable account fails in seconds, not after the full backoff. It runs
    /// without a database, which it then creates when missing and the role may (else the first statement says why).
    /// A refusal names the role and where it was configured (a part's own role comes from infra.yml).
    /// </summary>
    private static async Task ProbeAsync(StrataConfig config, SnowflakeClientOptions options, SnowflakeAuthenticator authenticator, CancellationToken cancellationToken)
    {
        using var probe = new SnowflakeClient(options with { Database = null, MaxRetries = 1, RequestTimeout = TimeSpan.FromSeconds(20) }, authenticator);
        var job = WarehouseJob.Current ?? "open";
        try
        {
            await probe.ExecuteAsync("SELECT CURRENT_VERSION()", job, cancellationToken: cancellationToken);
        }
        catch (WarehouseException ex) when (options.Role is { } role && ex.Kind is WarehouseErrorKind.Rejected or WarehouseErrorKind.Permission)
        {
            throw new WarehouseException($"{ex.Message} (as role {role}, from {config.Get(Settings.WarehouseRole).Origin})", ex, ex.Kind, ex.SqlState);
        }

        if (options.Database is { } database)
        {
            try
            {
                await probe.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {SnowflakeIdentifiers.Quote(database)}", job, cancellationToken: cancellationToken);
            }
            catch (WarehouseException ex) when (ex.Kind is WarehouseErrorKind.Rejected or WarehouseErrorKind.Permission)
            {
                // Not allowed to create it: it may exist already; the first statement in it says otherwise.
            }
        }
    }

    private static SnowflakeAuthenticator Authenticator(StrataConfig config, string account)
    {
        switch (config.Text(Settings.WarehouseAuthenticator))
        {
            case "oauth":
                return StaticTokenAuthenticator.OAuth(RequiredSecret(config, Settings.WarehouseToken));
            case "pat":
                return StaticTokenAuthenticator.ProgrammaticAccessToken(RequiredSecret(config, Settings.WarehouseToken));
            default:
                var user = Required(config, Settings.WarehouseUser);
                var passphrase = config.Secret(Settings.WarehousePrivateKeyPassphrase);
                if (config.FullPath(Settings.WarehousePrivateKeyFile) is { } path)
                {
                    string pem;
                    try
                    {
                        pem = File.ReadAllText(path);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        throw new ConfigurationException($"warehouse.private_key_file {path} cannot be read ({ex.GetType().Name}); fix the path or the file's permissions", ex);
                    }

                    return KeyPairJwtAuthenticator.FromPem(account, user, pem, passphrase, TimeProvider.System, path);
                }

                return KeyPairJwtAuthenticator.FromPem(account, user, RequiredSecret(config, Settings.WarehousePrivateKey), passphrase, TimeProvider.System, config.Get(Settings.WarehousePrivateKey).Origin);
        }
    }

    private static Uri BaseUrl(StrataConfig config, string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? uri
            : throw new ConfigurationException($"{config.Get(Settings.WarehouseBaseUrl).Origin}: warehouse.base_url must be an http(s) address, not '{url}'");

    private static string Required(StrataConfig config, SettingDefinition setting) => config.Text(setting) ?? throw new ConfigurationException(
        $"warehouse.engine is snowflake and {setting.Path} is not set; set it in strata.yml or {setting.EnvironmentVariable} (docs/snowflake.md)");

    private static string RequiredSecret(StrataConfig config, SettingDefinition setting) => config.Secret(setting) ?? throw new ConfigurationException(
        $"warehouse.engine is snowflake and {setting.Path} is not set; set {setting.EnvironmentVariable}, {setting.EnvironmentVariable}_FILE or .strata/secrets/{setting.SecretFileName}" +
        (setting == Settings.WarehousePrivateKey ? ", or warehouse.private_key_file" : "") + " (docs/snowflake.md)");
}
