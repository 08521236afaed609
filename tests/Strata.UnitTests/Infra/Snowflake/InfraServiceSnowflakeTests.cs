using Strata.Configuration;
using Strata.Infra;
using Strata.Infra.Declaration;
using Strata.Infra.Snowflake;
using Strata.Warehouse;

namespace Strata.UnitTests.Infra.Snowflake;

/// <summary>The Snowflake half through <see cref="InfraService"/> with a recorded session: apply runs exactly the statements the plan showed.</summary>
public sealed class InfraServiceSnowflakeTests
{
    [Fact]
    public async Task Apply_runs_exactly_the_planned_statements_in_order()
    {
        var session = new RecordingSession("drifted-account.json");
        var service = Service(session, "source:\n  manage: false\nsnowflake: {}\n");

        var plan = await service.PlanAsync(prune: false);
        var (done, _) = await service.ApplyAsync(plan);

        Assert.Equal(plan.Changes.SelectMany(c => c.Statements).Select(s => s.Shown), session.Executed);
        Assert.Equal(plan.Changes.Select(c => c.Done), done);
        Assert.Equal(4, done.Count);
        Assert.Single(plan.Notes, n => n.StartsWith("warehouse: DuckDB", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_snowflake_section_on_another_engine_is_a_note_not_a_change()
    {
        var plan = await Service(null, "source:\n  manage: false\nsnowflake: {}\n").PlanAsync(prune: false);

        Assert.Empty(plan.Changes);
        Assert.Contains("snowflake: declared in infra.yml, but warehouse.engine is duckdb: it is planned only on a Snowflake warehouse", plan.Notes);
    }

    [Fact]
    public async Task A_refused_statement_is_one_line_naming_it_and_what_to_do()
    {
        var session = new RecordingSession("drifted-account.json") { Refuse = "REVOKE ROLE STRATA_TRANSFORMATION FROM ROLE STRATA_REPORTS" };
        var service = Service(session, "source:\n  manage: false\nsnowflake: {}\n");
        var plan = await service.PlanAsync(prune: false);

        var error = await Assert.ThrowsAsync<InfraException>(() => service.ApplyAsync(plan));

        Assert.StartsWith("snowflake: `REVOKE ROLE STRATA_TRANSFORMATION FROM ROLE STRATA_REPORTS` failed: Snowflake refused the statement", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("run `strata infra plan` to see what is left", error.Message, StringComparison.Ordinal);
        Assert.Equal(["ALTER WAREHOUSE STRATA_TRANSFORMATION_WH SET AUTO_SUSPEND = 60 WAREHOUSE_SIZE = 'XSMALL'", session.Refuse], session.Executed);
    }

    private static InfraService Service(ISnowflakeSession? session, string yaml)
    {
        var config = ConfigLoader.Load(Path.GetTempPath(), new Dictionary<string, string> { ["STRATA_WAREHOUSE_ENGINE"] = "duckdb", ["STRATA_WAREHOUSE_DATABASE"] = "strata" }, Path.GetTempPath());
        return new InfraService(config, InfraFile.Parse(yaml, "infra.yml"), _ => Task.CompletedTask, session);
    }

    private sealed class RecordingSession(string captured) : ISnowflakeSession
    {
        private readonly CapturedShow _show = new(captured);

        public List<string> Executed { get; } = [];

        public string? Refuse { get; init; }

        public Task<IReadOnlyList<IReadOnlyDictionary<string, string?>>> ShowAsync(string statement, CancellationToken cancellationToken = default) =>
            _show.ShowAsync(statement, cancellationToken);

        public Task ExecuteAsync(string statement, CancellationToken cancellationToken = default)
        {
            Executed.Add(statement);
            return statement == Refuse
                ? throw new WarehouseException("Snowflake refused the statement: Insufficient privileges to operate on role 'STRATA_TRANSFORMATION' (code 003001, SQLSTATE 42501)", kind: WarehouseErrorKind.Permission)
                : Task.CompletedTask;
        }
    }
}
