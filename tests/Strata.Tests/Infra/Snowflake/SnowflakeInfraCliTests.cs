using System.Text.Json;
using Strata.Testing;
using Strata.Tests.Warehouse.Snowflake;

namespace Strata.Tests.Infra.Snowflake;

/// <summary>
/// <c>strata infra plan | apply | drift</c> on a Snowflake warehouse, through the CLI: strata.yml's settings open the
/// fake account (<c>warehouse.base_url</c>), exactly as <c>SnowflakeWarehouseProvider</c> opens a real one.
/// </summary>
public sealed class SnowflakeInfraCliTests : IDisposable
{
    private readonly TestProject _project = TestProject.Empty();

    [Fact]
    public async Task Plan_json_exits_2_with_the_changes_apply_makes_them_and_plan_and_drift_are_then_clean()
    {
        var catalog = new FakeSnowflakeCatalog("STRATA_SVC");
        await using var account = await FakeSnowflakeAccount.StartAsync(catalog.Answer);
        Configure(account);

        var plan = await _project.RunAsync("infra", "plan", "--json");

        Assert.True(plan.ExitCode == 2, plan.ToString());
        var json = JsonDocument.Parse(plan.Output).RootElement;
        var changes = json.GetProperty("changes").EnumerateArray().ToList();
        Assert.All(changes, c => Assert.Equal("snowflake", c.GetProperty("part").GetString()));
        Assert.Equal(
            """{"part":"snowflake","action":"create","subject":"database STRATA","statements":["CREATE DATABASE STRATA"]}""",
            JsonSerializer.Serialize(changes[0]));
        Assert.Contains(changes, c => c.GetProperty("subject").GetString() == "membership of user STRATA_SVC in role STRATA_REPORTS"
            && c.GetProperty("statements")[0].GetString() == "GRANT ROLE STRATA_REPORTS TO USER STRATA_SVC");
        Assert.Equal(["source: not managed (source.manage is false in infra.yml)"], json.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal("Plan: 14 to create, 124 to grant.", json.GetProperty("summary").GetString());
        Assert.Empty(catalog.Executed);

        var apply = await _project.RunAsync("infra", "apply", "--yes");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(changes.SelectMany(c => c.GetProperty("statements").EnumerateArray()).Select(s => s.GetString()), catalog.Executed);

        var again = await _project.RunAsync("infra", "plan");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("No changes: the servers match the declaration.", again.Output, StringComparison.Ordinal);
        var drift = await _project.RunAsync("infra", "drift");
        Assert.True(drift.ExitCode == 0, drift.ToString());
    }

    [Fact]
    public async Task A_refused_statement_exits_1_with_one_line_naming_it()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync(request => request.IsSubmit && request.Statement!.StartsWith("SHOW ", StringComparison.Ordinal)
            ? SqlApiShapes.Failure(422, "003001", "42501", "SQL access control error:\nInsufficient privileges to operate on account 'FAKE'", "refused")
            : null);
        Configure(account);

        var plan = await _project.RunAsync("infra", "plan");

        Assert.True(plan.ExitCode == 1, plan.ToString());
        Assert.Equal(
            "error: snowflake: reading the account failed: Snowflake refused the statement: SQL access control error: Insufficient privileges to operate on account 'FAKE' (code 003001, SQLSTATE 42501)",
            plan.Error.Trim());
        Assert.DoesNotContain("test-pat", plan.Error + plan.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _project.Dispose();

    private void Configure(FakeSnowflakeAccount account)
    {
        _project.Environment["STRATA_WAREHOUSE_ENGINE"] = "snowflake";
        _project.Environment["STRATA_WAREHOUSE_ACCOUNT"] = "fake-account";
        _project.Environment["STRATA_WAREHOUSE_BASE_URL"] = account.Server.BaseUrl.ToString();
        _project.Environment["STRATA_WAREHOUSE_AUTHENTICATOR"] = "pat";
        _project.Environment["STRATA_WAREHOUSE_TOKEN"] = "test-pat";
        _project.Environment["STRATA_WAREHOUSE_USER"] = "strata_svc";
        _project.Environment["STRATA_WAREHOUSE_DATABASE"] = "strata";
        File.WriteAllText(Path.Combine(_project.Directory, "infra.yml"), "source:\n  manage: false\nsnowflake: {use_part_roles: true}\n");
    }
}
