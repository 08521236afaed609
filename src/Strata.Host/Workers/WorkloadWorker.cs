using Microsoft.Extensions.Hosting;
using Strata.Output;
using Strata.Source;
using Strata.Source.Workload;

namespace Strata.Host.Workers;

/// <summary>The simulated live workload on the local development source.</summary>
internal sealed class WorkloadWorker(SourceService source, SimulateOptions options, IStrataConsole console, PlatformState state) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        state.Workers["workload"] = "running";
        try
        {
            await source.SimulateAsync(options, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Errors.StrataException ex)
        {
            state.Workers["workload"] = $"failed: {ex.Message}";
            console.Error($"workload stopped: {ex.Message}");
            return;
        }

        state.Workers["workload"] = "stopped";
    }
}
