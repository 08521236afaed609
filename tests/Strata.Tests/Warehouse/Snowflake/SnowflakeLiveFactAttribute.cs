namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// A test that needs a real Snowflake account: skipped, with the reason in the test output, unless
/// <c>STRATA_SNOWFLAKE_ACCOUNT</c>, <c>_USER</c>, <c>_PRIVATE_KEY_FILE</c>, <c>_ROLE</c> and <c>_WAREHOUSE</c> are set.
/// </summary>
public sealed class SnowflakeLiveFactAttribute : FactAttribute
{
    /// <summary>The variables the live suite reads.</summary>
    public static readonly string[] Variables =
        ["STRATA_SNOWFLAKE_ACCOUNT", "STRATA_SNOWFLAKE_USER", "STRATA_SNOWFLAKE_PRIVATE_KEY_FILE", "STRATA_SNOWFLAKE_ROLE", "STRATA_SNOWFLAKE_WAREHOUSE"];

    /// <summary>Skips the test when a variable is missing.</summary>
    public SnowflakeLiveFactAttribute()
    {
        var missing = Variables.Where(v => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v))).ToList();
        if (missing.Count > 0)
        {
            Skip = $"no Snowflake account: {string.Join(", ", missing)} not set (docs/snowflake.md, the live suite)";
        }
    }
}
