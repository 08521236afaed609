using Microsoft.Extensions.Hosting;
using Strata.Configuration;
using Strata.Ingestion;
using Strata.Output;

namespace Strata.Host.Workers;

/// <summary>Follows the source: CDC into bronze, telling the transformation which tables each commit touched.</summary>
internal sealed class IngestionWorker(StrataConfig config, IStrataConsole console, TransformTrigger trigger, PlatformState state, StrataMetrics metrics, TimeProvider clock)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        state.Workers["ingestion"] = "running";
        var options = IngestOptions.From(config) with
        {
            OnCommitted = commit =>
            {
                metrics.Ingested(commit);
                state.Ingested(commit);
                if (commit.Tables.Count > 0)
                {
                    trigger.Add(commit.Tables);
                }
            },
            OnStreaming = () => state.Reached("ingestion"),
            OnQuarantine = tables => state.Quarantined = tables,
        };
        try
        {
            // Retries transient failures itself, resuming from the checkpoint.
            await new IngestionService(config, console, clock).RunAsync(options, stoppingToken);
            state.Workers["ingestion"] = "stopped";
        }
        catch (Errors.StrataException ex)
        {
            state.Workers["ingestion"] = $"failed: {ex.Message}";
            console.Error($"ingestion stopped: {ex.Message}");
        }
        finally
        {
            // Whoever waits for bronze goes on and meets the problem (the transformation over what bronze has).
            state.Reached("ingestion");
        }
    }
}
