using System.Reflection;

namespace Strata.Warehouse.Snowflake.Api;

/// <summary>Where the SQL API is, the session every statement runs in, and how patiently the client waits and retries.</summary>
public sealed record SnowflakeClientOptions
{
    /// <summary>The account's address (<c>https://&lt;account&gt;.snowflakecomputing.com</c>), or a test server's.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The database statements run in (the request's <c>database</c> field; case-sensitive there).</summary>
    public string? Database { get; init; }

    /// <summary>The default schema.</summary>
    public string? Schema { get; init; }

    /// <summary>The compute warehouse.</summary>
    public string? Warehouse { get; init; }

    /// <summary>The role.</summary>
    public string? Role { get; init; }

    /// <summary>The statement timeout sent in the request's <c>timeout</c> field (seconds); null leaves the account's own.</summary>
    public TimeSpan? StatementTimeout { get; init; }

    /// <summary>Retries after the first attempt of a request answered 429 or 5xx, or lost on the way.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The wait before the first retry; it doubles with jitter after each one.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between retries.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The wait before the first status check of a statement still running (202).</summary>
    public TimeSpan FirstPollDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between status checks.</summary>
    public TimeSpan MaxPollDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a cancel request may take once the caller has given up.</summary>
    public TimeSpan CancelTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one HTTP exchange may take before it counts as lost (and is retried).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary><c>Strata/&lt;version&gt;</c>: the SQL API refuses requests without a User-Agent.</summary>
    public string UserAgent { get; init; } = "Strata/" + StrataVersion();

    /// <summary><c>host:port</c> of <see cref="BaseUrl"/>, for messages.</summary>
    public string Endpoint => $"{BaseUrl.Host}:{BaseUrl.Port}";

    private static string StrataVersion()
    {
        var version = typeof(SnowflakeClientOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return version is { Length: > 0 } ? version.Split('+')[0] : "0";
    }
}
