using Strata.Infra;
using Strata.Infra.Declaration;
using Strata.Infra.Snowflake;

namespace Strata.UnitTests.Infra.Snowflake;

/// <summary>The Snowflake plan from captured SHOW output against the default declaration (an empty <c>snowflake:</c> section, warehouse.database STRATA).</summary>
public sealed class SnowflakePlanTests
{
    private static readonly SnowflakeDeclaration Declaration = InfraFile.Parse("snowflake: {}\n", "infra.yml").Snowflake!;

    [Fact]
    public async Task An_empty_account_gets_everything_in_dependency_order()
    {
        var changes = await PlanAsync("empty-account.json", prune: false);

        var lines = changes.Select(c => c.Line).ToList();
        Assert.Equal("+ create database STRATA", lines[0]);
        Assert.True(lines.IndexOf("+ create resource monitor STRATA_MONITOR (credit_quota = 100, frequency = MONTHLY)") < lines.FindIndex(l => l.StartsWith("+ create warehouse", StringComparison.Ordinal)));
        Assert.True(lines.FindLastIndex(l => l.StartsWith("+ create", StringComparison.Ordinal)) < lines.FindIndex(l => l.StartsWith("+ grant", StringComparison.Ordinal)));
        Assert.DoesNotContain(changes, c => c.Action == ChangeAction.Revoke);

        var statements = changes.SelectMany(c => c.Statements).Select(s => s.ToRun()).ToList();
        Assert.Contains("CREATE WAREHOUSE STRATA_INGESTION_WH WITH AUTO_RESUME = TRUE AUTO_SUSPEND = 60 RESOURCE_MONITOR = STRATA_MONITOR WAREHOUSE_SIZE = 'XSMALL' INITIALLY_SUSPENDED = TRUE", statements);
        Assert.Contains("CREATE RESOURCE MONITOR STRATA_MONITOR WITH CREDIT_QUOTA = 100 FREQUENCY = MONTHLY START_TIMESTAMP = IMMEDIATELY", statements);
        Assert.Contains("CREATE SCHEMA STRATA._STRATA", statements);
        Assert.Contains("CREATE ROLE STRATA_REPORTS", statements);
        Assert.Contains("GRANT USAGE ON WAREHOUSE STRATA_REPORTS_WH TO ROLE STRATA_REPORTS", statements);
        Assert.Contains("GRANT CREATE TABLE ON SCHEMA STRATA.BRONZE TO ROLE STRATA_INGESTION", statements);
        Assert.Contains("GRANT SELECT ON FUTURE TABLES IN SCHEMA STRATA.GOLD TO ROLE STRATA_REPORTS", statements);
        Assert.Contains("GRANT SELECT ON ALL TABLES IN SCHEMA STRATA.GOLD TO ROLE STRATA_REPORTS", statements);
        Assert.Contains("GRANT SELECT ON FUTURE VIEWS IN SCHEMA STRATA.GOLD TO ROLE STRATA_REPORTS", statements);
        Assert.Contains("GRANT SELECT ON ALL VIEWS IN SCHEMA STRATA.GOLD TO ROLE STRATA_DASHBOARD", statements);

        // Each part reads and writes only its own records in _STRATA, which the admin creates (no part may create tables there).
        Assert.Contains("GRANT INSERT ON TABLE STRATA._STRATA.REPORT_DELIVERIES TO ROLE STRATA_REPORTS", statements);
        Assert.Contains("GRANT SELECT ON TABLE STRATA._STRATA.MODEL_ASOF TO ROLE STRATA_REPORTS", statements);
        Assert.Contains("GRANT UPDATE ON TABLE STRATA._STRATA.CHECKPOINTS TO ROLE STRATA_INGESTION", statements);
        Assert.Contains("GRANT INSERT ON TABLE STRATA._STRATA.MODEL_RUNS TO ROLE STRATA_TRANSFORMATION", statements);
        Assert.Contains("GRANT SELECT ON TABLE STRATA._STRATA.SCHEMA_VERSION TO ROLE STRATA_DASHBOARD", statements);
        Assert.DoesNotContain(statements, s => s.Contains("ON SCHEMA STRATA._STRATA", StringComparison.Ordinal) && !s.StartsWith("GRANT USAGE ", StringComparison.Ordinal));
        Assert.DoesNotContain(statements, s => s.EndsWith("TO ROLE STRATA_REPORTS", StringComparison.Ordinal)
            && (s.Contains("STRATA.BRONZE", StringComparison.Ordinal) || s.Contains("STRATA._STRATA.QUARANTINE", StringComparison.Ordinal) || s.Contains("STRATA._STRATA.CHECKPOINTS", StringComparison.Ordinal)));
        Assert.DoesNotContain(statements, s => s.EndsWith("TO ROLE STRATA_INGESTION", StringComparison.Ordinal) && (s.Contains("STRATA.GOLD", StringComparison.Ordinal) || s.Contains("STRATA.SILVER", StringComparison.Ordinal)));

        // Its scratch schema (_STRATA_STAGE) and a dbt project's custom schemas are transformation's own to create.
        Assert.Contains("GRANT CREATE SCHEMA ON DATABASE STRATA TO ROLE STRATA_TRANSFORMATION", statements);
        Assert.DoesNotContain(statements, s => s.StartsWith("GRANT CREATE SCHEMA", StringComparison.Ordinal) && !s.EndsWith("TO ROLE STRATA_TRANSFORMATION", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_account_as_SHOW_reads_it_back_after_an_apply_plans_nothing()
    {
        // X-Small for XSMALL, 100.00 for 100, OWNERSHIP rows, per-table grants made by the future grants: none is drift.
        Assert.Empty(await PlanAsync("applied-account.json", prune: false));
        Assert.Empty(await PlanAsync("applied-account.json", prune: true));
    }

    [Fact]
    public async Task Drift_shows_as_alters_revokes_and_grants_and_an_unmanaged_role_only_with_prune()
    {
        var plain = (await PlanAsync("drifted-account.json", prune: false)).Select(c => c.Line).ToList();
        var pruned = (await PlanAsync("drifted-account.json", prune: true)).Select(c => c.Line).ToList();

        Assert.Equal(
            [
                "~ alter warehouse STRATA_TRANSFORMATION_WH (auto_suspend: 3600 → 60, size: MEDIUM → XSMALL)",
                "- revoke membership of STRATA_REPORTS in role STRATA_TRANSFORMATION",
                "- revoke SELECT on table STRATA.BRONZE.ORDERS from STRATA_REPORTS",
                "+ grant SELECT on future tables STRATA.GOLD to STRATA_REPORTS",
            ],
            plain);
        Assert.Equal([.. plain[..2], "- revoke USAGE on schema STRATA.GOLD from FINANCE_ANALYST", .. plain[2..]], pruned);
    }

    [Fact]
    public async Task Revokes_are_spelled_for_Snowflake_and_ownership_is_never_touched()
    {
        var changes = await PlanAsync("drifted-account.json", prune: true);

        var statements = changes.SelectMany(c => c.Statements).Select(s => s.ToRun()).ToList();
        Assert.Equal(
            [
                "ALTER WAREHOUSE STRATA_TRANSFORMATION_WH SET AUTO_SUSPEND = 60 WAREHOUSE_SIZE = 'XSMALL'",
                "REVOKE ROLE STRATA_TRANSFORMATION FROM ROLE STRATA_REPORTS",
                "REVOKE USAGE ON SCHEMA STRATA.GOLD FROM ROLE FINANCE_ANALYST",
                "REVOKE SELECT ON TABLE STRATA.BRONZE.ORDERS FROM ROLE STRATA_REPORTS",
                "GRANT SELECT ON FUTURE TABLES IN SCHEMA STRATA.GOLD TO ROLE STRATA_REPORTS",
                "GRANT SELECT ON ALL TABLES IN SCHEMA STRATA.GOLD TO ROLE STRATA_REPORTS",
            ],
            statements);
        Assert.DoesNotContain(statements, s => s.Contains("OWNERSHIP", StringComparison.Ordinal) || s.Contains("SYSADMIN", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("X-Small", "XSMALL")]
    [InlineData("xsmall", "XSMALL")]
    [InlineData("Medium", "MEDIUM")]
    [InlineData("2X-Large", "XXLARGE")]
    [InlineData("XXLARGE", "XXLARGE")]
    [InlineData("X2LARGE", "XXLARGE")]
    [InlineData("3X-Large", "XXXLARGE")]
    [InlineData("4X-Large", "X4LARGE")]
    [InlineData("X6LARGE", "X6LARGE")]
    public void Warehouse_sizes_compare_as_Snowflake_means_them(string spelled, string normal) => Assert.Equal(normal, SnowflakeNames.Size(spelled));

    private static async Task<IReadOnlyList<PlannedChange>> PlanAsync(string captured, bool prune) =>
        await new SnowflakePlanner(new CapturedShow(captured), Declaration, new SnowflakeTarget("STRATA", User: null)).PlanAsync(prune);
}
