namespace Strata.Warehouse.Snowflake.Auth;

/// <summary>
/// What goes into a request's <c>Authorization: Bearer</c> header and <c>X-Snowflake-Authorization-Token-Type</c>.
/// Holds a secret: never printed (<see cref="ToString"/> names the kind only).
/// </summary>
public abstract class SnowflakeAuthenticator
{
    /// <summary>The token type header: <c>KEYPAIR_JWT</c>, <c>OAUTH</c> or <c>PROGRAMMATIC_ACCESS_TOKEN</c>.</summary>
    public abstract string TokenType { get; }

    /// <summary>The token to send now (a key-pair JWT is renewed before it expires).</summary>
    public abstract string Token();

    /// <inheritdoc />
    public sealed override string ToString() => $"{TokenType} authentication";
}
