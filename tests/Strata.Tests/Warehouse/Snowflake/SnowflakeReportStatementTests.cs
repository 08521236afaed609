using System.Text.Json;
using Strata.Host.Alerts;
using Strata.Host.Jobs;
using Strata.Testing;
using Strata.Tests.Transform;
using static Strata.Tests.Warehouse.Snowflake.SqlApiShapes;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// Every statement reports and the host's records send to Snowflake: <c>strata report run</c>, <c>deliver</c> and
/// <c>log</c> of the finance project's reports through the CLI, against the fake account (<see cref="WarehouseStateScript"/>;
/// the reports' models hold no rows there, so each report is empty), and the run history and alerts the host keeps,
/// written and read through <see cref="JobHistory"/> and <see cref="AlertStore"/> directly (the host's scheduler
/// against the fake would run every worker for a handful of statements). Each statement must parse as Snowflake SQL.
/// </summary>
public sealed class SnowflakeReportStatementTests : IAsyncLifetime
{
    private readonly TestProject _project = TestProject.Empty();
    private FakeSnowflakeAccount _account = null!;

    public async Task InitializeAsync()
    {
        var script = new WarehouseStateScript();
        _account = await FakeSnowflakeAccount.StartAsync(request => DeliveredReport(request) ?? script.Answer(request));
        _account.UseIn(_project.Environment);
        TransformProjects.UseFinanceProject(_project);
    }

    /// <summary>The delivered report's query answers its columns (no rows): delivery checks the chart's columns are there.</summary>
    private static FakeAnswer? DeliveredReport(FakeRequest request) =>
        request.Statement?.Contains("FROM \"GOLD\".\"RPT_OPEN_ORDERS_BY_DELIVERY_DATE\"", StringComparison.OrdinalIgnoreCase) == true
            ? ResultSet("report", [Column("DELIVERY_DATE", "date"), Column("STATUS", "text"), Column("OPEN_ORDERS", "fixed", 0)], [])
            : null;

    public async Task DisposeAsync()
    {
        await _account.DisposeAsync();
        _project.Dispose();
    }

    [Fact]
    public async Task Report_run_deliver_and_log_send_only_Snowflake_SQL()
    {
        var run = await _project.RunAsync("report", "run", "--all", "--format", "json", "--out", Path.Combine(_project.Directory, "out"));
        var deliver = await _project.RunAsync("report", "deliver", "open_orders_by_delivery_date", "--json");
        var log = await _project.RunAsync("report", "log", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(deliver.ExitCode == 0, deliver.ToString());
        Assert.True(log.ExitCode == 0, log.ToString());
        using (var delivered = JsonDocument.Parse(deliver.Output))
        {
            Assert.All(delivered.RootElement.EnumerateArray(), d => Assert.Equal("delivered", d.GetProperty("status").GetString()));
        }

        var statements = CapturedRequest.StatementsOf(_account.Server);
        // Each report once by run, the delivered one again by deliver.
        Assert.Equal(4 + 1, statements.Count(s => s.Contains("from \"GOLD\".\"RPT_", StringComparison.Ordinal)));
        Assert.Contains(statements, s => s.StartsWith("INSERT INTO \"_STRATA\".\"REPORT_DELIVERIES\" ", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.StartsWith("SELECT \"DELIVERED_AT\", \"REPORT\", ", StringComparison.Ordinal));
        await SnowflakeGrammar.AssertParsesExceptGapsAsync(statements);
    }

    [Fact]
    public async Task Run_history_and_alerts_send_only_Snowflake_SQL()
    {
        await using var warehouse = _account.Warehouse();
        var history = new JobHistory(warehouse);
        var alerts = new AlertStore(warehouse);
        var at = new DateTime(2026, 3, 1, 7, 0, 0, DateTimeKind.Utc);
        var alert = new Alert("a1", "freshness", "gold", Alert.Firing, "gold is 2 h old", at, null, null, 0, false, null);

        await history.EnsureAsync();
        await history.RecordAsync(new JobRun("build", "schedule", "success", 1, at, TimeSpan.FromSeconds(3), "16 models", null));
        await history.ReadAsync(20);
        await alerts.InsertAsync(alert);
        await alerts.UpdateAsync(alert with { Status = Alert.Resolved, ResolvedAt = at.AddHours(1), RecoverySent = true, Notifications = 1 });
        await alerts.OpenAsync();
        await alerts.RecentAsync(20);

        var statements = CapturedRequest.StatementsOf(_account.Server);
        Assert.Contains(statements, s => s.StartsWith("INSERT INTO \"_STRATA\".\"RUNS\" ", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.StartsWith("UPDATE \"_STRATA\".\"ALERTS\" SET ", StringComparison.Ordinal));
        await SnowflakeGrammar.AssertParsesExceptGapsAsync(statements);
    }
}
