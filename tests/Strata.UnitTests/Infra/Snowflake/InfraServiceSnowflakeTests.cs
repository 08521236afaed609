using Strata.Configuration;
using Strata.Infra;
using Strata.Infra.Declaration;
using Strata.Infra.Snowflake;

namespace Strata.UnitTests.Infra.Snowflake;

/// <summary>The Snowflake half through <see cref="InfraService"/>, as the adapter will plug in: apply runs exactly the statements the plan showed.</summary>
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
    public async Task Without_the_adapter_a_snowflake_section_is_a_note_not_a_change()
    {
        var plan = await Service(null, "source:\n  manage: false\nsnowflake: {}\n").PlanAsync(prune: false);

        Assert.Empty(plan.Changes);
        Assert.Contains(plan.Notes, n => n.StartsWith("snowflake: declared, but not planned", StringComparison.Ordinal));
    }

    private static InfraService Service(ISnowflakeSession? session, string yaml)
    {
        var config = ConfigLoader.Load(Path.GetTempPath(), new Dictionary<string, string> { ["STRATA_WAREHOUSE_ENGINE"] = "duckdb" }, Path.GetTempPath());
        return new InfraService(config, InfraFile.Parse(yaml, "infra.yml"), _ => Task.CompletedTask, session);
    }

    private sealed class RecordingSession(string captured) : ISnowflakeSession
    {
        private readonly CapturedShow _show = new(captured);

        public List<string> Executed { get; } = [];

        public Task<IReadOnlyList<IReadOnlyDictionary<string, string?>>> ShowAsync(string statement, CancellationToken cancellationToken = default) =>
            _show.ShowAsync(statement, cancellationToken);

        public Task ExecuteAsync(string statement, CancellationToken cancellationToken = default)
        {
            Executed.Add(statement);
            return Task.CompletedTask;
        }
    }
}
