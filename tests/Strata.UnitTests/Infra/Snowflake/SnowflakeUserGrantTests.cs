using Strata.Infra;
using Strata.Infra.Declaration;
using Strata.Infra.Snowflake;

namespace Strata.UnitTests.Infra.Snowflake;

/// <summary>
/// Roles granted to users (<c>GRANT ROLE … TO USER …</c>, read back from <c>SHOW GRANTS OF ROLE</c>), the part roles
/// granted to Strata's own user under <c>use_part_roles</c>, the prefix of the defaults and the database from strata.yml.
/// </summary>
public sealed class SnowflakeUserGrantTests
{
    private static readonly SnowflakeTarget Strata = new("STRATA", "STRATA_SVC");

    private static readonly string[] PartRoles = ["STRATA_DASHBOARD", "STRATA_INGESTION", "STRATA_REPORTS", "STRATA_TRANSFORMATION"];

    [Fact]
    public async Task With_part_roles_each_is_granted_to_the_configured_user_once()
    {
        var changes = await PlanAsync("snowflake: {use_part_roles: true}", new CapturedShow("applied-account.json"), prune: false);

        Assert.Equal(PartRoles.Select(r => $"+ grant membership of user STRATA_SVC in role {r}"), changes.Select(c => c.Line));
        Assert.Equal(PartRoles.Select(r => $"GRANT ROLE {r} TO USER STRATA_SVC"), changes.SelectMany(c => c.Statements).Select(s => s.ToRun()));

        var applied = WithUsers(new CapturedShow("applied-account.json"), PartRoles.Select(r => (r, "STRATA_SVC")));
        Assert.Empty(await PlanAsync("snowflake: {use_part_roles: true}", applied, prune: false));
        Assert.Empty(await PlanAsync("snowflake: {use_part_roles: true}", applied, prune: true));
    }

    [Fact]
    public async Task A_part_role_granted_by_hand_to_another_user_is_revoked_only_with_prune()
    {
        CapturedShow Account() => WithUsers(new CapturedShow("applied-account.json"), [.. PartRoles.Select(r => (r, "STRATA_SVC")), ("STRATA_REPORTS", "ALICE")]);

        Assert.Empty(await PlanAsync("snowflake: {use_part_roles: true}", Account(), prune: false));
        var pruned = await PlanAsync("snowflake: {use_part_roles: true}", Account(), prune: true);
        Assert.Equal(["- revoke membership of user ALICE in role STRATA_REPORTS"], pruned.Select(c => c.Line));
        Assert.Equal(["REVOKE ROLE STRATA_REPORTS FROM USER ALICE"], pruned.SelectMany(c => c.Statements).Select(s => s.ToRun()));
    }

    [Fact]
    public async Task Users_declared_on_a_role_are_granted_it()
    {
        const string Yaml = "snowflake:\n  roles:\n    - name: finance_analyst\n      users: [bob, \"Mixed Case\", svc.strata@example.com]\n";

        var statements = (await PlanAsync(Yaml, new CapturedShow("empty-account.json"), prune: false)).SelectMany(c => c.Statements).Select(s => s.ToRun()).ToList();

        Assert.Contains("CREATE ROLE FINANCE_ANALYST", statements);
        Assert.Contains("GRANT ROLE FINANCE_ANALYST TO USER BOB", statements);
        Assert.Contains("GRANT ROLE FINANCE_ANALYST TO USER \"Mixed Case\"", statements);
        Assert.Contains("GRANT ROLE FINANCE_ANALYST TO USER \"svc.strata@example.com\"", statements);
    }

    [Fact]
    public async Task Part_roles_need_the_configured_user_and_every_part_role()
    {
        var noUser = await Assert.ThrowsAsync<InfraException>(() => PlanAsync("snowflake: {use_part_roles: true}", new CapturedShow("empty-account.json"), prune: false, Strata with { User = null }));
        Assert.Contains("warehouse.user, which is not set", noUser.Message, StringComparison.Ordinal);

        const string Yaml = "snowflake:\n  use_part_roles: true\n  roles: [{name: STRATA_INGESTION}, {name: STRATA_TRANSFORMATION}, {name: STRATA_REPORTS}]\n";
        var missing = await Assert.ThrowsAsync<InfraException>(() => PlanAsync(Yaml, new CapturedShow("empty-account.json"), prune: false));
        Assert.Contains("no role STRATA_DASHBOARD is declared", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_prefix_names_the_default_roles_warehouses_and_monitor()
    {
        var statements = (await PlanAsync("snowflake: {prefix: t1_}", new CapturedShow("empty-account.json"), prune: false)).SelectMany(c => c.Statements).Select(s => s.ToRun()).ToList();

        Assert.Contains("CREATE ROLE T1_INGESTION", statements);
        Assert.Contains("CREATE RESOURCE MONITOR T1_MONITOR WITH CREDIT_QUOTA = 100 FREQUENCY = MONTHLY START_TIMESTAMP = IMMEDIATELY", statements);
        Assert.Contains("CREATE WAREHOUSE T1_REPORTS_WH WITH AUTO_RESUME = TRUE AUTO_SUSPEND = 60 RESOURCE_MONITOR = T1_MONITOR WAREHOUSE_SIZE = 'XSMALL' INITIALLY_SUSPENDED = TRUE", statements);
        Assert.Contains("GRANT USAGE ON WAREHOUSE T1_REPORTS_WH TO ROLE T1_DASHBOARD", statements);
        Assert.DoesNotContain(statements, s => s.Contains("STRATA_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_database_is_strata_yml_s_unless_infra_yml_names_one()
    {
        var configured = await PlanAsync("snowflake: {}", new CapturedShow("empty-account.json"), prune: false, new SnowflakeTarget("STRATA_WAREHOUSE", null));
        var declared = await PlanAsync("snowflake: {database: analytics}", new CapturedShow("empty-account.json"), prune: false, new SnowflakeTarget("STRATA_WAREHOUSE", null));

        Assert.Equal("+ create database STRATA_WAREHOUSE", configured[0].Line);
        Assert.Contains(configured, c => c.Line == "+ grant USAGE on schema STRATA_WAREHOUSE.GOLD to STRATA_REPORTS");
        Assert.Equal("+ create database ANALYTICS", declared[0].Line);
    }

    [Theory]
    [InlineData("strata_warehouse", "STRATA_WAREHOUSE")]
    [InlineData("ANALYTICS", "ANALYTICS")]
    public void The_target_is_strata_yml_s_database_and_user_as_Snowflake_stores_them(string database, string stored)
    {
        var config = Configuration.ConfigLoader.Load(Path.GetTempPath(), new Dictionary<string, string> { ["STRATA_WAREHOUSE_DATABASE"] = database, ["STRATA_WAREHOUSE_USER"] = "strata_svc" }, Path.GetTempPath());

        Assert.Equal(new SnowflakeTarget(stored, "STRATA_SVC"), SnowflakeTarget.From(config));
    }

    [Fact]
    public void A_mixed_case_database_is_refused_rather_than_read_as_another()
    {
        var config = Configuration.ConfigLoader.Load(Path.GetTempPath(), new Dictionary<string, string> { ["STRATA_WAREHOUSE_DATABASE"] = "Analytics" }, Path.GetTempPath());

        var error = Assert.Throws<InfraException>(() => SnowflakeTarget.From(config));
        Assert.Equal("env STRATA_WAREHOUSE_DATABASE: warehouse.database 'Analytics' is in mixed case, which the Snowflake adapter keeps and strata infra upper-cases; write it in lower or upper case", error.Message);
    }

    private static CapturedShow WithUsers(CapturedShow show, IEnumerable<(string Role, string User)> grants)
    {
        foreach (var (role, user) in grants)
        {
            show.With($"SHOW GRANTS OF ROLE {role}", new()
            {
                ["created_on"] = "2026-11-30 09:12:44.123 -0800",
                ["role"] = role,
                ["granted_to"] = "USER",
                ["grantee_name"] = user,
                ["granted_by"] = "SECURITYADMIN",
            });
        }

        return show;
    }

    private static async Task<IReadOnlyList<PlannedChange>> PlanAsync(string yaml, CapturedShow show, bool prune, SnowflakeTarget? target = null) =>
        await new SnowflakePlanner(show, InfraFile.Parse(yaml, "infra.yml").Snowflake!, target ?? Strata).PlanAsync(prune);
}
