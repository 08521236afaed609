using Microsoft.Extensions.Hosting;
using Strata.Configuration;
using Strata.Ingestion;
using Strata.Output;
using Strata.Transform;
using Strata.Transform.Execution;

namespace Strata.Host.Workers;

/// <summary>
/// Builds the models downstream of what ingestion committed, incrementally: one run at a time (triggers arriving
/// meanwhile are coalesced into the next), each followed by the tests of what it built. A failed run is reported
/// and the next trigger tries again; it never stops the other workers.
/// </summary>
internal sealed class TransformWorker(StrataConfig config, IStrataConsole console, TransformTrigger trigger, PlatformState state, StrataMetrics metrics)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        state.Workers["transformation"] = "running";
        await using var warehouse = await WarehouseFactory.OpenAsync(config, stoppingToken);
        var transform = await TransformService.OpenAsync(config, warehouse, NullConsole.Instance);
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<string> select;
            try
            {
                var tables = await trigger.WaitAsync(stoppingToken);
                // The first run builds everything (models that do not exist yet); later ones what the commits touched.
                select = first ? [] : Selection(transform, tables);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (!first && select.Count == 0)
            {
                continue;
            }

            try
            {
                var summary = await transform.BuildAsync(new RunOptions { Select = select }, stoppingToken);
                first = false;
                Record(summary);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Errors.StrataException ex)
            {
                console.Error($"transformation run failed: {ex.Message}");
            }
        }

        state.Workers["transformation"] = "stopped";
    }

    private static List<string> Selection(TransformService transform, IReadOnlyCollection<string> bronzeTables) =>
        transform.Graph.Project.Sources
            .Where(s => s.IsChangelog && bronzeTables.Contains(s.Identifier))
            .Where(s => transform.Graph.Descendants("source:" + s.FullName).Count > 0)
            .Select(s => $"source:{s.FullName}+")
            .ToList();

    private void Record(RunSummary summary)
    {
        state.Runs++;
        var now = DateTime.UtcNow;
        foreach (var model in summary.Models.Where(m => m.Status != "skipped"))
        {
            metrics.ModelRun(model.Model, model.Duration, model.Status);
        }

        foreach (var model in summary.Models.Where(m => m.NewestCommit is not null))
        {
            state.NewestCommit[model.Model] = DateTime.SpecifyKind(model.NewestCommit!.Value, DateTimeKind.Utc);
        }

        var newest = state.NewestCommit.Values.DefaultIfEmpty(now).Max();
        var freshness = (now - newest).TotalSeconds;
        state.Freshness.Enqueue((now, freshness));
        while (state.Freshness.Count > 3600)
        {
            state.Freshness.TryDequeue(out _);
        }

        var failed = summary.Models.Count(m => m.Status == "error") + summary.Tests.Count(t => t.Blocks);
        var line = $"built {summary.Models.Count(m => m.Status == "success")} models and ran {summary.Tests.Count} tests in {summary.Elapsed.TotalSeconds:0.0} s; " +
            $"gold is {freshness:0.0} s behind the source{(failed > 0 ? $"; {failed} failed (see target/run_results.json)" : "")}";
        if (failed > 0)
        {
            console.Warning(line);
        }
        else
        {
            console.Info(line);
        }
    }
}
