using System.Net.Sockets;
using Npgsql;
using Strata.Configuration;
using Strata.Errors;
using Strata.Source.Local;

namespace Strata.Source.Connection;

/// <summary>How to reach the source server as its administrative login, with errors that name the server and the fix.</summary>
public sealed class SourceEndpoint
{
    private readonly string? _password;
    private readonly SettingDefinition _passwordSetting;

    /// <summary>Describes a server; <paramref name="password"/> is never shown anywhere.</summary>
    /// <param name="host">Host name or address.</param>
    /// <param name="port">TCP port.</param>
    /// <param name="user">The login.</param>
    /// <param name="password">Its password.</param>
    /// <param name="isLocal">True for the local development cluster.</param>
    /// <param name="passwordSetting">The setting the password comes from, named when the server rejects it; the admin login's by default.</param>
    public SourceEndpoint(string host, int port, string user, string? password, bool isLocal, SettingDefinition? passwordSetting = null)
    {
        Host = host;
        Port = port;
        User = user;
        _password = password;
        IsLocal = isLocal;
        _passwordSetting = passwordSetting ?? Settings.SourcePassword;
    }

    /// <summary>Host name or address.</summary>
    public string Host { get; }

    /// <summary>TCP port.</summary>
    public int Port { get; }

    /// <summary>The login.</summary>
    public string User { get; }

    /// <summary>True for the local development cluster.</summary>
    public bool IsLocal { get; }

    /// <summary><c>host:port</c>, for messages.</summary>
    public string Address => $"{Host}:{Port}";

    /// <summary>The endpoint of the configured source: the local cluster's remembered port, or the configured server.</summary>
    public static SourceEndpoint From(StrataConfig config, SourceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(settings);
        var password = config.Secret(Settings.SourcePassword);
        if (!settings.IsLocal)
        {
            return new SourceEndpoint(settings.Host!, settings.Port ?? 5432, settings.User, password, isLocal: false);
        }

        var state = new LocalCluster(settings.LocalDirectory).State
            ?? throw new SourceException(
                $"the local source in {settings.LocalDirectory} has not been created; run `strata source up` (or set source.host to use an existing server)");
        return new SourceEndpoint("127.0.0.1", settings.Port ?? state.Port, settings.User, password, isLocal: true);
    }

    /// <summary>The same server reached as another login (e.g. the CDC role), whose password comes from <paramref name="passwordSetting"/>.</summary>
    public SourceEndpoint As(string user, string? password, SettingDefinition passwordSetting) => new(Host, Port, user, password, IsLocal, passwordSetting);

    /// <summary>A connection string for <paramref name="database"/>. Contains the password: never log it.</summary>
    public string ConnectionString(string database, string applicationName = "strata") => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = User,
        Password = _password,
        Database = database,
        ApplicationName = applicationName,
        Timeout = 10,
        // Commands open few, short-lived connections; a pooled one could be dead after a server restart.
        Pooling = false,
        CommandTimeout = 0,
        IncludeErrorDetail = false,
    }.ConnectionString;

    /// <summary>Opens a connection to <paramref name="database"/>, translating failures into one-line errors.</summary>
    public async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(ConnectionString(database));
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw Translate(ex, database);
        }
    }

    /// <summary>Stops with the fix when the server's <c>wal_level</c> is not <c>logical</c> (change data capture needs it).</summary>
    public async Task RequireLogicalWalAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var level = await connection.ScalarAsync<string>("SHOW wal_level", cancellationToken);
        if (level != "logical")
        {
            throw new SourceException(
                $"wal_level is '{level}' on {Address}, but change data capture needs 'logical'; " +
                "run `ALTER SYSTEM SET wal_level = logical;` as a superuser, then restart the server");
        }
    }

    /// <summary>Turns a connection failure into an error naming the server and what to do.</summary>
    public StrataException Translate(Exception exception, string database)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var start = IsLocal ? "start it with `strata source up`" : "check source.host and source.port, and that the server runs";
        return exception switch
        {
            PostgresException { SqlState: "28P01" or "28000" } => new SourceException(
                $"PostgreSQL at {Address} rejected login '{User}' (authentication failed); " +
                $"set its password in {_passwordSetting.EnvironmentVariable} or {_passwordSetting.EnvironmentVariable}_FILE", exception),
            PostgresException { SqlState: "3D000" } => new SourceException(
                $"database '{database}' does not exist on {Address}; create it with `strata source init`", exception),
            PostgresException { SqlState: "57P01" or "57P02" or "57P03" } => new SourceException(
                $"PostgreSQL at {Address} is starting up, shutting down or restarting; try again in a moment", exception, isTransient: true),
            PostgresException pg => new SourceException($"PostgreSQL at {Address} refused the connection: {pg.MessageText}", exception),
            _ when Unwrap<SocketException>(exception) is { } socket => new SourceException(
                $"cannot reach the source PostgreSQL at {Address} ({socket.SocketErrorCode}); {start}", exception, isTransient: true),
            _ => new SourceException($"cannot reach the source PostgreSQL at {Address} ({exception.Message}); {start}", exception, isTransient: true),
        };
    }

    private static T? Unwrap<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }
}
