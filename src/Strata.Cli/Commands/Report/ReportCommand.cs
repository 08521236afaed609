using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Configuration;
using Strata.Reports;
using Strata.Transform;

namespace Strata.Cli.Commands.Report;

/// <summary>Base of the report commands: opens the warehouse, the analytics project and its reports.</summary>
internal abstract class ReportCommand<TSettings>(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<TSettings>(runtime, console)
    where TSettings : JsonSettings
{
    protected async Task<int> WithReportsAsync(TSettings settings, Func<ReportService, StrataConfig, Task<int>> work, CancellationToken cancellationToken)
    {
        var config = LoadConfig(settings);
        await using var warehouse = await Strata.Platform.Warehouses.OpenAsync(Strata.Platform.WarehouseLogins.For(config, Strata.Platform.WarehouseLogins.Reports), cancellationToken);
        var transform = await TransformService.OpenAsync(config, warehouse, Console);
        return await work(ReportService.From(config, transform, warehouse, Console), config);
    }
}
