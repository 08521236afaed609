using static Strata.Tests.Warehouse.Snowflake.SqlApiShapes;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// What <c>strata doctor</c> checks of a Snowflake login beyond the connection — the role, a compute warehouse it may
/// use and that resumes, the privilege to create schemas — against a fake account answering as Snowflake's reference
/// shows (CURRENT_* functions, SHOW WAREHOUSES' columns, error 003001 / SQLSTATE 42501 for a missing privilege).
/// </summary>
public sealed class SnowflakeAccessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_login_with_a_role_a_resumable_warehouse_and_schema_privileges_passes_every_check()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync(request => Answer(request, compute: "STRATA_WH", autoResume: "true", mayCreate: true));
        await using var warehouse = account.Warehouse();

        var checks = await warehouse.CheckAccessAsync().WaitAsync(Deadline);

        Assert.Equal(
            [("snowflake role", true), ("compute warehouse", true), ("schema privileges", true)],
            checks.Select(c => (c.Name, c.Ok)));
        Assert.Equal("STRATA_WH (X-Small, suspended, auto-resume true)", checks[1].Detail);
        await SnowflakeGrammar.AssertParsesAsync(account.Statements);
    }

    [Fact]
    public async Task No_usable_compute_warehouse_and_no_schema_privilege_each_fail_with_the_grant_to_run()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync(request => Answer(request, compute: null, autoResume: "true", mayCreate: false));
        await using var warehouse = account.Warehouse();

        var checks = (await warehouse.CheckAccessAsync().WaitAsync(Deadline)).ToDictionary(c => c.Name);

        Assert.True(checks["snowflake role"].Ok);
        Assert.False(checks["compute warehouse"].Ok);
        Assert.Equal("set warehouse.warehouse and run GRANT USAGE ON WAREHOUSE <name> TO ROLE STRATA_ROLE", checks["compute warehouse"].Fix);
        Assert.False(checks["schema privileges"].Ok);
        Assert.Equal("GRANT USAGE, CREATE SCHEMA ON DATABASE STRATA TO ROLE STRATA_ROLE", checks["schema privileges"].Fix);
    }

    [Fact]
    public async Task A_suspended_warehouse_that_will_not_resume_fails()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync(request => Answer(request, compute: "STRATA_WH", autoResume: "false", mayCreate: true));
        await using var warehouse = account.Warehouse();

        var compute = Assert.Single(await warehouse.CheckAccessAsync().WaitAsync(Deadline), c => c.Name == "compute warehouse");

        Assert.False(compute.Ok);
        Assert.Equal("ALTER WAREHOUSE STRATA_WH SET AUTO_RESUME = TRUE (or RESUME it)", compute.Fix);
    }

    internal static FakeAnswer? Answer(FakeRequest request, string? compute, string autoResume, bool mayCreate) => request.Statement switch
    {
        { } sql when sql.StartsWith("SELECT CURRENT_ROLE()", StringComparison.Ordinal) => ResultSet("session",
            [Column("CURRENT_ROLE()", "text"), Column("CURRENT_WAREHOUSE()", "text"), Column("CURRENT_DATABASE()", "text")], [["STRATA_ROLE", compute, "STRATA"]]),
        // SHOW WAREHOUSES: lower-case column names, flags as text.
        { } sql when sql.StartsWith("SHOW WAREHOUSES", StringComparison.Ordinal) => ResultSet("show",
            [Column("name", "text"), Column("state", "text"), Column("type", "text"), Column("size", "text"), Column("auto_suspend", "fixed", 0), Column("auto_resume", "text")],
            [[compute, "SUSPENDED", "STANDARD", "X-Small", "60", autoResume]]),
        { } sql when sql.StartsWith("CREATE SCHEMA", StringComparison.Ordinal) && !mayCreate =>
            Failure(422, "003001", "42501", "SQL access control error: Insufficient privileges to operate on database 'STRATA'", "denied"),
        _ => null,
    };
}
