using System.Diagnostics;
using Strata.Output;
using Strata.Transform.Execution.Strategies;
using Strata.Transform.Graph;
using Strata.Transform.Project;
using Strata.Transform.Testing;
using Strata.Warehouse;

namespace Strata.Transform.Execution;

/// <summary>
/// Runs selected models in dependency order, independent ones in parallel where the warehouse takes several
/// writers; with tests on, each model's tests run once it is built. A failed model, or a failed error-severity test,
/// skips everything downstream of it; the rest goes on.
/// </summary>
internal sealed class DagRunner(
    ProjectGraph graph, IWarehouse warehouse, ModelCompiler compiler, TransformMetadata metadata, IStrataConsole console, string runId, long? bound, DateTimeOffset started)
{
    private readonly Materializer _materializer = new(warehouse, compiler, started);
    private readonly ChangelogMaterializer _changelog = new(warehouse, compiler, metadata, bound);
    private readonly TestRunner _tests = new(graph, warehouse, compiler);
    private Dictionary<string, DataAsOf>? _recorded;

    public async Task<(List<ModelResult> Models, List<TestResult> Tests)> RunAsync(
        HashSet<string> selected, bool runModels, bool runTests, bool fullRefresh, int threads, CancellationToken cancellationToken)
    {
        var models = new List<ModelResult>();
        var tests = new List<TestResult>();
        var order = graph.Order.Where(m => selected.Contains(m.Name)).ToList();
        var pendingTests = runTests
            ? graph.Project.Tests.Where(t => t.Refs.All(selected.Contains) && (t.Source is null || SourceSelected(t.Source, selected))).ToList()
            : [];
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var blocked = new Dictionary<string, string>(StringComparer.Ordinal);
        var running = new Dictionary<Model, Task<ModelResult?>>();
        var parallel = warehouse.Capabilities.ParallelWriters ? Math.Max(1, threads) : 1;
        if (runModels)
        {
            await CatchUpAsOfAsync(selected, cancellationToken);
        }

        // Each test runs once every model it reads is built; one that blocks holds back its model, or what reads its source.
        var blockedSources = new Dictionary<string, string>(StringComparer.Ordinal);
        async Task RunReadyTestsAsync()
        {
            foreach (var test in pendingTests.Where(t => t.Refs.All(r => finished.Contains(r) || !selected.Contains(r))).ToList())
            {
                pendingTests.Remove(test);
                var outcome = await _tests.RunAsync(test, cancellationToken);
                tests.Add(outcome);
                await metadata.RecordTestAsync(runId, outcome, cancellationToken);
                Report(outcome);
                if (!outcome.Blocks || !runModels)
                {
                    continue;
                }

                if (test.Model is not null)
                {
                    blocked[test.Model] = $"{test.Model} (test {test.Name})";
                    finished.Remove(test.Model);
                }
                else if (test.Source is { } source)
                {
                    blockedSources.TryAdd(source.FullName, $"source {source.FullName} (test {test.Name})");
                }
            }
        }

        // Tests that wait for no model (a source's) run first, as dbt's build runs them.
        await RunReadyTestsAsync();

        while (order.Count > 0 || running.Count > 0)
        {
            foreach (var model in order.ToList())
            {
                if (running.Count >= parallel)
                {
                    break;
                }

                var parents = model.Refs.Where(selected.Contains).ToList();
                if ((parents.FirstOrDefault(blocked.ContainsKey) ?? model.SourceRefs.Where(blockedSources.ContainsKey).Select(s => blockedSources[s]).FirstOrDefault()) is { } failedParent)
                {
                    order.Remove(model);
                    blocked[model.Name] = failedParent;
                    var skip = new ModelResult(model.Name, model.Config.Materialized, "skipped", null, DateTime.UtcNow, TimeSpan.Zero, $"skipped: upstream {failedParent} failed");
                    models.Add(skip);
                    await metadata.RecordRunAsync(runId, skip, cancellationToken);
                    console.Warning($"SKIP   {model.Name} (upstream {failedParent} failed)");
                    continue;
                }

                if (parents.All(finished.Contains))
                {
                    order.Remove(model);
                    running[model] = RunModelAsync(model, runModels, fullRefresh, cancellationToken);
                }
            }

            if (running.Count == 0)
            {
                continue;
            }

            // Keyed by model: finished tasks may be one shared instance (a cached null result).
            var done = await Task.WhenAny(running.Values);
            var ended = running.First(r => r.Value == done).Key;
            running.Remove(ended);
            var result = await done;
            if (result is not null)
            {
                models.Add(result);
                await metadata.RecordRunAsync(runId, result, cancellationToken);
                if (result.Status == "error")
                {
                    blocked[ended.Name] = ended.Name;
                    continue;
                }

                if (runModels && result.Status == "success")
                {
                    await RecordAsOfAsync(ended, cancellationToken);
                }
            }

            finished.Add(ended.Name);
            await RunReadyTestsAsync();
        }

        foreach (var test in pendingTests)
        {
            var reason = test.Refs.FirstOrDefault(blocked.ContainsKey) is { } failed ? $"skipped: {blocked[failed]} failed" : "skipped";
            var skipped = new TestResult(test.Name, test.Model, test.Severity, "skipped", 0, null, DateTime.UtcNow, TimeSpan.Zero, reason);
            tests.Add(skipped);
            await metadata.RecordTestAsync(runId, skipped, cancellationToken);
        }

        return (models, tests);
    }

    /// <summary>
    /// Models this run does not build that already hold everything up to the run's bound get it as their as-of, so
    /// what is built from them is not reported older than it is: a changelog model whose changelog has nothing new up
    /// to the bound, and then any other model whose parents all hold the bound and had not changed since it was built
    /// from them (a model skipped while a parent moved on keeps its old as-of).
    /// </summary>
    private async Task CatchUpAsOfAsync(HashSet<string> selected, CancellationToken cancellationToken)
    {
        if (bound is not { } b)
        {
            return;
        }

        var before = await metadata.ReadAsOfAsync(cancellationToken);
        var now = new Dictionary<string, DataAsOf>(before, StringComparer.Ordinal);
        foreach (var model in graph.Order.Where(m => !selected.Contains(m.Name) && m.Config.Materialized is not (Materializations.View or Materializations.Ephemeral)))
        {
            if (now.GetValueOrDefault(model.Name) is not { } asOf || asOf.Lsn >= b)
            {
                continue;
            }

            var caughtUp = Materializations.ReadsChangelog(model.Config.Materialized)
                ? await _changelog.CaughtUpAsync(model, cancellationToken) ? await metadata.ChangelogAsOfAsync(model.Name, b, cancellationToken) : null
                : model.Refs.Count > 0 && model.Refs.All(p => DataAsOf.Of(graph, now, p)?.Lsn == b && asOf.Lsn >= (DataAsOf.Of(graph, before, p)?.Lsn ?? long.MaxValue))
                    ? asOf with { Lsn = b }
                    : null;
            if (caughtUp is not null)
            {
                await metadata.SetAsOfAsync(model.Name, caughtUp, cancellationToken);
                now[model.Name] = caughtUp;
            }
        }

        // What the builds of this run record their as-of against: read once per run.
        _recorded = now;
    }

    /// <summary>
    /// What a just-built relation's rows are as of: a changelog model's bound, else the oldest as-of of its parents
    /// (built before it in this run or earlier). Views resolve theirs when read, so nothing is recorded for them.
    /// </summary>
    private async Task RecordAsOfAsync(Model model, CancellationToken cancellationToken)
    {
        if (model.Config.Materialized is Materializations.View or Materializations.Ephemeral)
        {
            return;
        }

        var recorded = _recorded ??= await metadata.ReadAsOfAsync(cancellationToken);
        var asOf = Materializations.ReadsChangelog(model.Config.Materialized)
            ? await metadata.ChangelogAsOfAsync(model.Name, bound, cancellationToken)
            : DataAsOf.Oldest(model.Refs.Select(parent => DataAsOf.Of(graph, recorded, parent)));
        if (asOf is not null)
        {
            await metadata.SetAsOfAsync(model.Name, asOf, cancellationToken);
            recorded[model.Name] = asOf;
        }
    }

    private async Task<ModelResult?> RunModelAsync(Model model, bool build, bool fullRefresh, CancellationToken cancellationToken)
    {
        if (!build || model.Config.Materialized == Materializations.Ephemeral)
        {
            return null;
        }

        await Task.Yield();
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        try
        {
            Built built;
            DateTime? newest = null;
            if (Materializations.ReadsChangelog(model.Config.Materialized))
            {
                (var changes, newest) = await _changelog.BuildAsync(model, fullRefresh, cancellationToken);
                built = changes;
            }
            else
            {
                built = await _materializer.BuildAsync(model, fullRefresh, cancellationToken);
            }

            var rows = built.Rows;
            var counted = rows is null ? "" : $", {rows:N0} {(Materializations.ReadsChangelog(model.Config.Materialized) ? "changes" : "rows")}";
            console.Info($"OK     {model.Name} ({model.Config.Materialized}{counted}{(built.Unchanged ? ", unchanged" : "")}) in {clock.Elapsed.TotalSeconds:0.00} s");
            return new ModelResult(model.Name, model.Config.Materialized, "success", rows, started, clock.Elapsed, null, newest) { Unchanged = built.Unchanged };
        }
        catch (Exception ex) when (ex is TransformException or WarehouseException)
        {
            var message = ex is WarehouseException
                ? $"{model.Path}: model {model.Name} failed in the warehouse: {ex.Message} (compiled SQL: {compiler.CompiledPath(model.Path)})"
                : ex.Message;
            console.Error(message);
            return new ModelResult(model.Name, model.Config.Materialized, "error", null, started, clock.Elapsed, message);
        }
    }

    private void Report(TestResult result)
    {
        var line = $"{result.Status.ToUpperInvariant(),-6} {result.Test}{(result.Failures > 0 ? $": {result.Failures:N0} failing row(s), e.g. {result.Sample}" : "")}{(result.Error is null ? "" : $": {result.Error}")}";
        switch (result.Status)
        {
            case "pass":
                console.Info(line);
                break;
            case "warn":
                console.Warning(line);
                break;
            default:
                console.Error(line);
                break;
        }
    }

    /// <summary>
    /// A source's tests run with the models that read it (first: they wait for no model), or, for a source no model
    /// reads, when the whole project is selected.
    /// </summary>
    private bool SourceSelected(SourceTable source, HashSet<string> selected)
    {
        var readers = graph.Order.Where(m => m.SourceRefs.Contains(source.FullName)).ToList();
        return readers.Count > 0 ? readers.Any(m => selected.Contains(m.Name)) : graph.Order.All(m => selected.Contains(m.Name));
    }
}
