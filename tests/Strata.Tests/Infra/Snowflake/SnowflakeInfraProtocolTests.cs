using Strata.Configuration;
using Strata.Infra;
using Strata.Infra.Declaration;
using Strata.Platform;
using Strata.Tests.Warehouse.Snowflake;
using Strata.Warehouse;
using Strata.Warehouse.Metadata;
using Strata.Warehouse.Snowflake.Api;
using Strata.Warehouse.Snowflake.Auth;

namespace Strata.Tests.Infra.Snowflake;

/// <summary>
/// <c>strata infra</c> on Snowflake through the real SQL API client (<see cref="SnowflakeInfraSession"/>) against the fake
/// account modelled by <see cref="FakeSnowflakeCatalog"/>: plan on an empty account, apply exactly that, plan again
/// empty; drift made by hand planned as its repair; every statement sent parsed as Snowflake SQL.
/// </summary>
public sealed class SnowflakeInfraProtocolTests : IDisposable
{
    private const string Declared = "source:\n  manage: false\nsnowflake: {use_part_roles: true}\n";
    private readonly string _project = Directory.CreateTempSubdirectory("strata-infra-snowflake-").FullName;

    [Fact]
    public async Task Plan_on_an_empty_account_apply_exactly_it_and_plan_again_is_empty()
    {
        var catalog = new FakeSnowflakeCatalog("STRATA_SVC");
        await using var account = await FakeSnowflakeAccount.StartAsync(catalog.Answer);
        await using var service = Service(account);

        var plan = await service.PlanAsync(prune: false);
        var lines = plan.Changes.Select(c => c.Line).ToList();
        Assert.Equal("+ create database STRATA", lines[0]);
        Assert.Contains("+ create warehouse STRATA_INGESTION_WH (auto_resume = true, auto_suspend = 60, resource_monitor = STRATA_MONITOR, size = XSMALL)", lines);
        Assert.Contains("+ grant membership of user STRATA_SVC in role STRATA_INGESTION", lines);
        Assert.Empty(catalog.Executed);
        Assert.DoesNotContain(plan.Notes, n => n.StartsWith("warehouse:", StringComparison.Ordinal) || n.StartsWith("snowflake:", StringComparison.Ordinal));

        // The admin's migration makes _STRATA's tables after their schema exists and before any part is granted one.
        var metadata = lines.IndexOf($"+ create Strata's metadata tables in STRATA._STRATA (version {StrataSchema.Version})");
        Assert.InRange(metadata, lines.IndexOf("+ create schema STRATA._STRATA") + 1, lines.FindIndex(l => l.Contains(" on table STRATA._STRATA.", StringComparison.Ordinal)) - 1);

        var (done, _) = await service.ApplyAsync(plan);

        Assert.Equal(plan.Changes.SelectMany(c => c.Statements).Select(s => s.Shown), catalog.Executed);
        Assert.Equal(plan.Changes.Select(c => c.Done), done);
        Assert.Empty((await service.PlanAsync(prune: false)).Changes);
        Assert.Empty((await service.PlanAsync(prune: true)).Changes);
        using var session = new SnowflakeInfraSession(Client(account));
        var tables = await session.ShowAsync("SHOW TABLES IN SCHEMA STRATA._STRATA");
        Assert.Equal(StrataSchema.All.Count + 1, tables.Count);
        Assert.All(tables, t => Assert.Equal("SYSADMIN", t["owner"]));
    }

    [Fact]
    public async Task Drift_made_by_hand_is_planned_as_its_repair_and_every_statement_parses()
    {
        var catalog = new FakeSnowflakeCatalog("STRATA_SVC", "ALICE");
        await using var account = await FakeSnowflakeAccount.StartAsync(catalog.Answer);
        await using var service = Service(account);
        var first = await service.PlanAsync(prune: true);
        await service.ApplyAsync(first);

        using (var admin = Client(account))
        {
            foreach (var sql in new[]
            {
                "ALTER WAREHOUSE STRATA_TRANSFORMATION_WH SET AUTO_SUSPEND = 3600 WAREHOUSE_SIZE = 'MEDIUM'",
                "ALTER RESOURCE MONITOR STRATA_MONITOR SET CREDIT_QUOTA = 500 FREQUENCY = MONTHLY START_TIMESTAMP = IMMEDIATELY",
                "GRANT ROLE STRATA_TRANSFORMATION TO ROLE STRATA_REPORTS",
                "GRANT ROLE STRATA_REPORTS TO USER ALICE",
                "REVOKE ROLE STRATA_INGESTION FROM USER STRATA_SVC",
                "REVOKE CREATE TABLE ON SCHEMA STRATA.BRONZE FROM ROLE STRATA_INGESTION",
                "REVOKE SELECT ON FUTURE TABLES IN SCHEMA STRATA.GOLD FROM ROLE STRATA_REPORTS",
                "GRANT SELECT ON FUTURE TABLES IN SCHEMA STRATA.BRONZE TO ROLE STRATA_REPORTS",
                "CREATE ROLE FINANCE_ANALYST",
                "GRANT USAGE ON SCHEMA STRATA.GOLD TO ROLE FINANCE_ANALYST",
            })
            {
                await admin.ExecuteAsync(sql, "drift-by-hand");
            }
        }

        var repair = await service.PlanAsync(prune: true);

        Assert.Equal(
            [
                "~ alter resource monitor STRATA_MONITOR (credit_quota: 500 → 100)",
                "~ alter warehouse STRATA_TRANSFORMATION_WH (auto_suspend: 3600 → 60, size: MEDIUM → XSMALL)",
                "- revoke membership of user ALICE in role STRATA_REPORTS",
                "- revoke membership of STRATA_REPORTS in role STRATA_TRANSFORMATION",
                "- revoke USAGE on schema STRATA.GOLD from FINANCE_ANALYST",
                "- revoke SELECT on future tables STRATA.BRONZE from STRATA_REPORTS",
                "+ grant membership of user STRATA_SVC in role STRATA_INGESTION",
                "+ grant CREATE TABLE on schema STRATA.BRONZE to STRATA_INGESTION",
                "+ grant SELECT on future tables STRATA.GOLD to STRATA_REPORTS",
            ],
            repair.Changes.Select(c => c.Line));
        await service.ApplyAsync(repair);
        Assert.Empty((await service.PlanAsync(prune: true)).Changes);

        string[] statements = [.. first.Changes.Concat(repair.Changes).SelectMany(c => c.Statements).Select(s => s.ToRun()), .. catalog.Shown.Distinct()];
        Assert.All(SnowflakeGrammar.Gaps, gap => Assert.Contains(statements, gap.Kind.IsMatch));
        await SnowflakeGrammar.AssertParsesExceptGapsAsync(statements);
    }

    [Fact]
    public async Task SHOW_reads_a_missing_object_as_no_rows_and_typed_cells_as_text()
    {
        var catalog = new FakeSnowflakeCatalog();
        await using var account = await FakeSnowflakeAccount.StartAsync(catalog.Answer);
        using var session = new SnowflakeInfraSession(Client(account));
        await session.ExecuteAsync("CREATE RESOURCE MONITOR M WITH CREDIT_QUOTA = 100 FREQUENCY = MONTHLY START_TIMESTAMP = IMMEDIATELY");
        await session.ExecuteAsync("CREATE WAREHOUSE W WITH AUTO_RESUME = TRUE AUTO_SUSPEND = 60 WAREHOUSE_SIZE = 'XSMALL' INITIALLY_SUSPENDED = TRUE");

        Assert.Empty(await session.ShowAsync("SHOW GRANTS TO ROLE NO_SUCH_ROLE"));
        Assert.Empty(await session.ShowAsync("SHOW SCHEMAS IN DATABASE NO_SUCH_DATABASE"));
        Assert.Equal("100.00", Assert.Single(await session.ShowAsync("SHOW RESOURCE MONITORS"))["credit_quota"]);
        var warehouse = (await session.ShowAsync("SHOW WAREHOUSES")).Single(w => w["name"] == "W");
        Assert.Equal(("X-Small", "60", "true"), (warehouse["size"], warehouse["auto_suspend"], warehouse["auto_resume"]));

        // Any other refusal is an error, not an empty answer.
        var refused = await Assert.ThrowsAsync<WarehouseException>(() => session.ShowAsync("SHOW USERS"));
        Assert.Equal("42000", refused.SqlState);
        var exists = await Assert.ThrowsAsync<WarehouseException>(() => session.ExecuteAsync("CREATE RESOURCE MONITOR M WITH CREDIT_QUOTA = 1 FREQUENCY = DAILY START_TIMESTAMP = IMMEDIATELY"));
        Assert.Contains("already exists", exists.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_project, recursive: true);

    /// <summary>The service on <paramref name="account"/>; its metadata migration runs through the adapter, as the CLI's does.</summary>
    private InfraService Service(FakeSnowflakeAccount account)
    {
        var config = ConfigLoader.Load(_project, new Dictionary<string, string>
        {
            ["STRATA_WAREHOUSE_ENGINE"] = "snowflake",
            ["STRATA_WAREHOUSE_DATABASE"] = "strata",
            ["STRATA_WAREHOUSE_USER"] = "strata_svc",
        }, _project);
        return new InfraService(config, InfraFile.Parse(Declared, "infra.yml"), async token =>
        {
            await using var warehouse = account.Warehouse();
            await StrataSchema.EnsureAsync(warehouse, token);
        }, new SnowflakeInfraSession(Client(account)));
    }

    private static SnowflakeClient Client(FakeSnowflakeAccount account) => new(
        new SnowflakeClientOptions { BaseUrl = account.Server.BaseUrl, Role = "SYSADMIN", FirstRetryDelay = TimeSpan.FromMilliseconds(10) },
        StaticTokenAuthenticator.ProgrammaticAccessToken("test-pat"));
}
