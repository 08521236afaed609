using Strata.Configuration;
using Strata.Ingestion;
using Strata.Output;
using Strata.Warehouse;

namespace Strata.Host.Workers;

/// <summary>Follows the source: CDC into bronze, telling the transformation which tables each commit touched.</summary>
internal sealed class IngestionWorker(StrataConfig config, OpenWarehouse openWarehouse, IStrataConsole console, TransformTrigger trigger, PlatformState state, StrataMetrics metrics, TimeProvider clock)
    : SupervisedWorker("ingestion", state, console, clock)
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The stream's heartbeat comes back every heartbeat interval when the source is idle.
        State.Workers.Expect(Name, (3 * IngestOptions.From(config).HeartbeatInterval) + TimeSpan.FromSeconds(15));
        // A resync may be what a failing ingestion needs (a lost slot): it ends the backoff.
        State.ResyncRequested += WakeUp;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        // Every commit, the stream's start and its heartbeat are the worker's heartbeat.
        void Streaming() => State.Workers.Healthy(Name, "streaming");
        var options = IngestOptions.From(config) with
        {
            OnCommitted = commit =>
            {
                Streaming();
                metrics.Ingested(commit);
                State.Ingested(commit);
                if (commit.Tables.Count > 0)
                {
                    trigger.Add(commit.Tables);
                }
            },
            OnStreaming = () =>
            {
                Streaming();
                State.Reached("ingestion");
            },
            OnAlive = Streaming,
            OnRetrying = why => State.Workers.Degraded(Name, why),
            OnQuarantine = tables => State.Quarantined = tables,
        };

        // Retries transient failures itself, resuming from the checkpoint; what it gives up on, the supervisor
        // shows and starts again later. A resync asked for meanwhile ends the current run and starts one that takes it.
        while (!stoppingToken.IsCancellationRequested)
        {
            State.Workers.Starting(Name, "connecting, then the snapshot if bronze lacks one");
            var resync = State.TakeResync();
            if (resync is not null)
            {
                Console.Info(resync.Count == 0 ? "Resync of every table asked for: taking a fresh snapshot." : $"Resync of {string.Join(", ", resync)} asked for.");
            }

            using var restart = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            void Restart() => restart.Cancel();
            State.ResyncRequested += Restart;
            try
            {
                await new IngestionService(config, openWarehouse, Console, Clock).RunAsync(options with { Resync = resync }, restart.Token);
            }
            catch (OperationCanceledException) when (restart.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                // Asked to resync: start again with it.
            }
            finally
            {
                State.ResyncRequested -= Restart;
            }

            if (!restart.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Whoever waits for bronze goes on and meets the problem (the transformation over what bronze has).</summary>
    protected override void OnFailed(Exception exception) => State.Reached("ingestion");
}
