namespace Strata.Warehouse.Snowflake.Auth;

/// <summary>How an account identifier appears in a key-pair JWT and in the server's URL.</summary>
public static class SnowflakeAccount
{
    private const string Domain = ".snowflakecomputing.com";

    /// <summary>
    /// The account as the JWT's <c>iss</c> and <c>sub</c> name it: upper case, and for a legacy account locator
    /// without its region and cloud (<c>xy12345.us-east-1.aws</c> → <c>XY12345</c>), as Snowflake's key-pair
    /// documentation asks. The preferred <c>org-account</c> form has no dot and stays whole (<c>MYORG-ACCOUNT1</c>).
    /// </summary>
    public static string ForJwt(string account)
    {
        var bare = WithoutDomain(account);
        var dot = bare.IndexOf('.', StringComparison.Ordinal);
        return (dot < 0 ? bare : bare[..dot]).ToUpperInvariant();
    }

    /// <summary>The SQL API's base address: <c>https://&lt;account&gt;.snowflakecomputing.com</c>, region segments kept.</summary>
    public static Uri BaseUrl(string account) => new($"https://{WithoutDomain(account).ToLowerInvariant()}{Domain}");

    private static string WithoutDomain(string account)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        var trimmed = account.Trim();
        if (trimmed.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed["https://".Length..].TrimEnd('/');
        }

        return trimmed.EndsWith(Domain, StringComparison.OrdinalIgnoreCase) ? trimmed[..^Domain.Length] : trimmed;
    }
}
