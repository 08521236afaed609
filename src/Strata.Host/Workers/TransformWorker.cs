using Strata.Configuration;
using Strata.Host.Jobs;
using Strata.Output;
using Strata.Transform.Execution;
using Strata.Transform;
using Strata.Warehouse;

namespace Strata.Host.Workers;

/// <summary>
/// Builds the models downstream of what ingestion committed, incrementally: one run at a time (triggers arriving
/// meanwhile are coalesced into the next), each followed by the tests of what it built. A model that fails is tried
/// again — with the next commit, and on its own after a backoff (2 s doubling to a minute, with jitter) — while the
/// rest goes on; a failed run never stops the other workers. Every run is in <c>_strata.runs</c>.
/// </summary>
internal sealed class TransformWorker(
    StrataConfig config, OpenWarehouse openWarehouse, IStrataConsole console, TransformTrigger trigger, PlatformState state, StrataMetrics metrics, JobHistory history, TimeProvider clock)
    : SupervisedWorker("transformation", state, console, clock)
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    private int _failedRuns;

    /// <summary>First delay before failed models are tried again without a new commit.</summary>
    internal static TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        State.Workers.Starting(Name, "waiting for bronze to hold the snapshot");
        await using var warehouse = await openWarehouse(stoppingToken);
        var transform = await TransformService.OpenAsync(config, warehouse, NullConsole.Instance, Clock);
        // Thresholds of the age of gold: the settings, else the project's strictest source freshness, else 1m / 2m.
        var sources = transform.Graph.Project.Sources;
        State.WarnAfter = config.Duration(Settings.FreshnessWarnAfter) ?? sources.Select(s => s.WarnAfter).Min() ?? TimeSpan.FromMinutes(1);
        State.ErrorAfter = config.Duration(Settings.FreshnessErrorAfter) ?? sources.Select(s => s.ErrorAfter).Min() ?? TimeSpan.FromMinutes(2);
        try
        {
            // The first run reads bronze: it waits until ingestion has taken its snapshot (or given up).
            await State.Milestone("ingestion").WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            List<string> select;
            try
            {
                var tables = await trigger.WaitAsync(stoppingToken);
                // The first run builds everything (models that do not exist yet); later ones what the commits touched
                // and what failed before.
                select = first ? [] : [.. Selection(transform, tables), .. _failed.Select(m => m + "+")];
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (!first && select.Count == 0)
            {
                continue;
            }

            var cause = first ? "start" : _failed.Count > 0 && select.All(s => _failed.Contains(s.TrimEnd('+'))) ? "retry" : "commit";
            var started = Clock.GetUtcNow().UtcDateTime;
            // The transactions in bronze now are in this run (it reads up to the checkpoint it finds when it starts).
            var included = Drain(State.Unpublished);
            try
            {
                var summary = await transform.BuildAsync(new RunOptions { Select = select }, stoppingToken);
                first = false;
                await RecordAsync(transform, summary, cause, started, included);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Errors.StrataException ex)
            {
                Console.Error($"transformation run failed: {ex.Message}");
                State.Workers.Degraded(Name, $"the last run failed: {ex.Message}");
                await history.RecordAsync(new JobRun("transformation", cause, "failed", 1, started, Clock.GetUtcNow().UtcDateTime - started, "", ex.Message), CancellationToken.None);
                ScheduleRetry(failed: true);
            }
        }

    }

    private static List<string> Selection(TransformService transform, IReadOnlyCollection<string> bronzeTables) =>
        transform.Graph.Project.Sources
            .Where(s => s.IsChangelog && bronzeTables.Contains(s.Identifier))
            .Where(s => transform.Graph.Descendants("source:" + s.FullName).Count > 0)
            .Select(s => $"source:{s.FullName}+")
            .ToList();

    /// <summary>Why this run left gold relations as they were (skipped or failed), naming the failing tests and models; null when it did not.</summary>
    private static string? GoldProblem(RunSummary summary, PlatformState state)
    {
        var stale = summary.Models.Where(m => state.GoldRelations.Contains(m.Model) && m.Status != "success").Select(m => m.Model).ToList();
        if (stale.Count == 0)
        {
            return null;
        }

        var causes = summary.Tests.Where(t => t.Blocks).Select(t => $"test {t.Test} on {t.Model}")
            .Concat(summary.Models.Where(m => m.Status == "error").Select(m => $"model {m.Model}")).Distinct().ToList();
        var since = stale.Select(m => state.AsOf.GetValueOrDefault(m)?.CommitTime).OfType<DateTime>().DefaultIfEmpty().Min();
        return $"{stale.Count} gold relation(s) not rebuilt" + (since == default ? "" : $", holding data as of {since:HH:mm:ss} UTC,") +
            $" because {(causes.Count == 0 ? "upstream models fail" : string.Join(", ", causes.Take(3)) + (causes.Count > 3 ? $" and {causes.Count - 3} more" : "") + (causes.Count == 1 ? " fails" : " fail"))}";
    }

    /// <summary>Models in the <c>gold</c> schema; a project without one has its leaves (models nothing else reads) as gold.</summary>
    private static List<string> GoldRelations(TransformService transform)
    {
        var models = transform.Graph.Order.Where(m => m.Config.Materialized != Transform.Project.Materializations.Ephemeral).ToList();
        var gold = models.Where(m => m.Config.Schema == "gold").Select(m => m.Name).ToList();
        return gold.Count > 0 ? gold : models.Where(m => models.All(other => !other.Refs.Contains(m.Name))).Select(m => m.Name).ToList();
    }

    private static List<DateTime> Drain(System.Collections.Concurrent.ConcurrentQueue<DateTime> queue)
    {
        var items = new List<DateTime>();
        while (queue.TryDequeue(out var item))
        {
            items.Add(item);
        }

        return items;
    }

    private async Task RecordAsync(TransformService transform, RunSummary summary, string triggeredBy, DateTime started, List<DateTime> included)
    {
        State.Runs++;
        var now = Clock.GetUtcNow().UtcDateTime;
        foreach (var model in summary.Models.Where(m => m.Status != "skipped"))
        {
            metrics.ModelRun(model.Model, model.Duration, model.Status);
        }

        foreach (var model in summary.Models.Where(m => m.NewestCommit is not null))
        {
            State.NewestCommit[model.Model] = DateTime.SpecifyKind(model.NewestCommit!.Value, DateTimeKind.Utc);
        }

        // A model that reads changelog models includes the newest change any of them has.
        foreach (var model in summary.Models.Where(m => m.Status == "success" && m.NewestCommit is null))
        {
            var upstream = transform.Graph.Ancestors(model.Model).Where(State.NewestCommit.ContainsKey).Select(a => State.NewestCommit[a]).ToList();
            if (upstream.Count > 0)
            {
                State.NewestCommit[model.Model] = upstream.Max();
            }
        }

        // The headline is the worst gold relation's age, from what each relation's last successful build read: a
        // model skipped because an upstream test fails keeps its old as-of, and its age grows.
        if (State.GoldRelations.Count == 0)
        {
            State.GoldRelations = GoldRelations(transform);
        }

        // Why gold was held back is set before the as-of that ages it: a reader never sees fresh gold with a stale reason.
        State.GoldProblem = GoldProblem(summary, State) ?? (summary.Models.Any(m => State.GoldRelations.Contains(m.Model)) ? null : State.GoldProblem);
        State.AsOf = await transform.AsOfByModelAsync(CancellationToken.None);

        State.TrimBronzeCommits();
        var freshness = State.GoldAgeSeconds(now) ?? (now - State.NewestCommit.Values.DefaultIfEmpty(now).Max()).TotalSeconds;
        PlatformState.Keep(State.Freshness, (now, freshness));
        // Every transaction this run took in is visible from now (the first run's backlog says nothing about speed).
        if (triggeredBy != "start")
        {
            foreach (var commit in included)
            {
                PlatformState.Keep(State.Visibility, (now, (now - commit).TotalSeconds), limit: 100_000);
            }
        }

        var failedModels = summary.Models.Where(m => m.Status == "error").Select(m => m.Model).ToList();
        var failedTests = summary.Tests.Count(t => t.Blocks);
        _failed.ExceptWith(summary.Models.Where(m => m.Status == "success").Select(m => m.Model));
        _failed.UnionWith(failedModels);
        // The models exist (those that could be built): the scheduled tests and deliveries may start.
        State.Reached("transformation");

        var detail = $"built {summary.Models.Count(m => m.Status == "success")} models and ran {summary.Tests.Count} tests in {summary.Elapsed.TotalSeconds:0.0} s; " +
            $"gold is {freshness:0.0} s old (its worst relation)";
        var failed = failedModels.Count + failedTests;
        State.LastRun = new TransformRunInfo(now, summary.Models.Count(m => m.Status == "success"), summary.Elapsed.TotalSeconds, failed);
        var line = detail + (failed > 0 ? $"; {failed} failed: {string.Join(", ", failedModels.Concat(summary.Tests.Where(t => t.Blocks).Select(t => t.Test)))}" : "");
        if (failed > 0)
        {
            Console.Warning(line);
        }
        else
        {
            Console.Info(line);
        }

        await history.RecordAsync(new JobRun("transformation", triggeredBy, failedModels.Count > 0 ? "failed" : failedTests > 0 ? "warn" : "success",
            1, started, now - started, detail, failedModels.Count > 0 ? string.Join("; ", summary.Models.Where(m => m.Status == "error").Select(m => m.Error)) : null));
        foreach (var test in summary.Tests)
        {
            if (test.Blocks)
            {
                State.FailingTests[test.Test] = $"test {test.Test} on {test.Model} fails ({test.Failures} failing rows)";
            }
            else
            {
                State.FailingTests.TryRemove(test.Test, out _);
            }
        }

        // What the last run left undone is the worker's health: a gold relation held back is not a healthy pipeline.
        if (failedModels.Count > 0)
        {
            State.Workers.Degraded(Name, $"{failedModels.Count} model(s) failed: {string.Join(", ", failedModels.Take(3))}{(failedModels.Count > 3 ? " …" : "")}");
        }
        else if (State.GoldProblem is { } why)
        {
            State.Workers.Degraded(Name, why);
        }
        else
        {
            State.Workers.Healthy(Name);
        }

        ScheduleRetry(failedModels.Count > 0);
    }

    private void ScheduleRetry(bool failed)
    {
        if (!failed)
        {
            _failedRuns = 0;
            return;
        }

        // Without a new commit nothing would try the failed models again: wake the loop after a growing delay.
        var delay = RetryDelay * Math.Pow(2, Math.Min(_failedRuns++, 10));
        delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds, MaxRetryDelay.TotalMilliseconds) * (0.8 + Random.Shared.NextDouble() * 0.4));
        _ = Task.Delay(delay, Clock).ContinueWith(_ => trigger.Add([]), TaskScheduler.Default);
    }
}
