using Microsoft.Extensions.Hosting;
using Strata.Configuration;
using Strata.Ingestion;
using Strata.Output;
using Strata.Reports;
using Strata.Transform;

namespace Strata.Host.Workers;

/// <summary>Delivers reports when their schedules are due.</summary>
internal sealed class ReportWorker(StrataConfig config, IStrataConsole console, PlatformState state) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var warehouse = await WarehouseFactory.OpenAsync(config, stoppingToken);
        var transform = await TransformService.OpenAsync(config, warehouse, NullConsole.Instance);
        var reports = ReportService.From(config, transform, warehouse, console);
        if (reports.Reports.All(r => r.Schedules.Count == 0))
        {
            state.Workers["reports"] = "no schedules";
            return;
        }

        state.Workers["reports"] = "running";
        try
        {
            await reports.ScheduleAsync(TimeProvider.System, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        state.Workers["reports"] = "stopped";
    }
}
