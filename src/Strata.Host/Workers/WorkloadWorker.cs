using Strata.Output;
using Strata.Source;
using Strata.Source.Workload;

namespace Strata.Host.Workers;

/// <summary>
/// The simulated live workload on the local development source; started again when the source was away. Healthy
/// while it writes: a workload silent for twice its write interval (plus 10 s) reads as degraded.
/// </summary>
internal sealed class WorkloadWorker(SourceService source, SimulateOptions options, IStrataConsole console, PlatformState state, TimeProvider clock)
    : SupervisedWorker("workload", state, console, clock)
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        State.Workers.Expect(Name, (2 * options.WriteInterval) + TimeSpan.FromSeconds(10), "write to the source");
        return base.StartAsync(cancellationToken);
    }

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        await source.SimulateAsync(options with { OnWritten = () => State.Workers.Healthy(Name, "writing") }, stoppingToken);
        if (!stoppingToken.IsCancellationRequested)
        {
            State.Workers.Stopped(Name, "finished (--simulate-for)");
            await Task.Delay(Timeout.Infinite, stoppingToken); // done: nothing to restart
        }
    }
}
