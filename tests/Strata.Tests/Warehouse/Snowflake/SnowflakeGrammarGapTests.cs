using Xunit.Sdk;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>An exempted statement kind (<see cref="SnowflakeGrammar.Gaps"/>) is still checked: its documented shape, or the rest of it by the grammar.</summary>
public sealed class SnowflakeGrammarGapTests
{
    [Theory]
    [InlineData("CREATE WAREHOUSE W WITH AUTO_SUSPEND = 60 WAREHOUSE_SIZE = 'XSMALL' INITIALLY_SUSPENDED = TRUE")]
    [InlineData("ALTER WAREHOUSE \"odd name\" SET WAREHOUSE_SIZE = 'X4LARGE'")]
    [InlineData("CREATE RESOURCE MONITOR M WITH CREDIT_QUOTA = 100 FREQUENCY = MONTHLY START_TIMESTAMP = IMMEDIATELY")]
    [InlineData("ALTER RESOURCE MONITOR M SET CREDIT_QUOTA = 5 FREQUENCY = DAILY START_TIMESTAMP = IMMEDIATELY")]
    [InlineData("GRANT CREATE TABLE ON SCHEMA STRATA.BRONZE TO ROLE STRATA_INGESTION")]
    [InlineData("REVOKE CREATE VIEW ON SCHEMA STRATA.GOLD FROM ROLE STRATA_TRANSFORMATION")]
    public async Task A_well_formed_statement_of_an_exempted_kind_passes(string sql) => await SnowflakeGrammar.AssertParsesExceptGapsAsync([sql]);

    [Theory]
    [InlineData("CREATE WAREHOUSE W WITH WAREHOUSE_SIZE = 'HUGE' INITIALLY_SUSPENDED = TRUE")]
    [InlineData("CREATE WAREHOUSE W WITH AUTO_SUSPEND = 60")]
    [InlineData("ALTER WAREHOUSE W SET")]
    [InlineData("CREATE RESOURCE MONITOR M WITH CREDIT_QUOTA = 100 FREQUENCY = HOURLY START_TIMESTAMP = IMMEDIATELY")]
    [InlineData("GRANT CREATE TABLE ON SCHEMA TO ROLE STRATA_INGESTION")]
    [InlineData("GRANT CREATE TABLE ON SCHEMA STRATA.BRONZE TO STRATA_INGESTION ROLE")]
    public async Task A_malformed_statement_of_an_exempted_kind_fails(string sql) =>
        await Assert.ThrowsAnyAsync<XunitException>(() => SnowflakeGrammar.AssertParsesExceptGapsAsync([sql]));
}
