using Strata.Output;
using Strata.Source;
using Strata.Source.Workload;

namespace Strata.Host.Workers;

/// <summary>The simulated live workload on the local development source; started again when the source was away.</summary>
internal sealed class WorkloadWorker(SourceService source, SimulateOptions options, IStrataConsole console, PlatformState state, TimeProvider clock)
    : SupervisedWorker("workload", state, console, clock)
{
    protected override Task RunAsync(CancellationToken stoppingToken) => source.SimulateAsync(options, stoppingToken);
}
