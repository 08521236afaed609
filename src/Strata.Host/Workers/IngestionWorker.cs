using Strata.Configuration;
using Strata.Ingestion;
using Strata.Output;

namespace Strata.Host.Workers;

/// <summary>Follows the source: CDC into bronze, telling the transformation which tables each commit touched.</summary>
internal sealed class IngestionWorker(StrataConfig config, IStrataConsole console, TransformTrigger trigger, PlatformState state, StrataMetrics metrics, TimeProvider clock)
    : SupervisedWorker("ingestion", state, console, clock)
{
    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        var options = IngestOptions.From(config) with
        {
            OnCommitted = commit =>
            {
                metrics.Ingested(commit);
                State.Ingested(commit);
                if (commit.Tables.Count > 0)
                {
                    trigger.Add(commit.Tables);
                }
            },
            OnStreaming = () => State.Reached("ingestion"),
            OnQuarantine = tables => State.Quarantined = tables,
        };

        // Retries transient failures itself, resuming from the checkpoint; what it gives up on, the supervisor
        // shows and starts again later.
        await new IngestionService(config, Console, Clock).RunAsync(options, stoppingToken);
    }

    /// <summary>Whoever waits for bronze goes on and meets the problem (the transformation over what bronze has).</summary>
    protected override void OnFailed(Exception exception) => State.Reached("ingestion");
}
