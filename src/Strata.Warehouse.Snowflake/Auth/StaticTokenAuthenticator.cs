namespace Strata.Warehouse.Snowflake.Auth;

/// <summary>
/// A token obtained outside Strata and read from a secret: an OAuth access token or a programmatic access token (PAT).
/// It is sent as is; renewing it is the job of whoever issues it.
/// </summary>
public sealed class StaticTokenAuthenticator : SnowflakeAuthenticator
{
    private readonly string _token;

    private StaticTokenAuthenticator(string tokenType, string token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new ArgumentException("the token is empty", nameof(token));
        }

        TokenType = tokenType;
        _token = token.Trim();
    }

    /// <summary>An OAuth access token.</summary>
    public static StaticTokenAuthenticator OAuth(string token) => new("OAUTH", token);

    /// <summary>A programmatic access token.</summary>
    public static StaticTokenAuthenticator ProgrammaticAccessToken(string token) => new("PROGRAMMATIC_ACCESS_TOKEN", token);

    /// <inheritdoc />
    public override string TokenType { get; }

    /// <inheritdoc />
    public override string Token() => _token;
}
