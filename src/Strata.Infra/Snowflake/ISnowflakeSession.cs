namespace Strata.Infra.Snowflake;

/// <summary>
/// What <c>strata infra</c> needs of a Snowflake connection: SHOW output to plan from, and running the plan's
/// statements one by one. <c>Strata.Platform.SnowflakeInfraSession</c> implements it over the adapter's SQL API v2
/// client and the CLI hands it to <see cref="InfraService"/>; nothing in this project speaks HTTP.
/// </summary>
public interface ISnowflakeSession : ISnowflakeShow
{
    /// <summary>Runs one statement of the plan (Snowflake's DDL and GRANTs commit as they run: there is no transaction to roll back).</summary>
    Task ExecuteAsync(string statement, CancellationToken cancellationToken = default);
}
