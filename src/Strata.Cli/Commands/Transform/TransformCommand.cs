using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Transform;
using Strata.Transform.Execution;
using Strata.Warehouse;

namespace Strata.Cli.Commands.Transform;

/// <summary>Base of the model commands: opens the warehouse and loads the analytics project.</summary>
internal abstract class TransformCommand<TSettings>(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<TSettings>(runtime, console)
    where TSettings : JsonSettings
{
    /// <summary>Runs <paramref name="work"/> with the project loaded against the configured warehouse.</summary>
    protected async Task<int> WithServiceAsync(TSettings settings, Func<TransformService, IWarehouse, Task<int>> work, CancellationToken cancellationToken)
    {
        var config = LoadConfig(settings);
        await using var warehouse = await Strata.Platform.Warehouses.OpenAsync(Strata.Platform.WarehouseLogins.For(config, Strata.Platform.WarehouseLogins.Transformation), cancellationToken);
        var service = await TransformService.OpenAsync(config, warehouse, Console);
        return await work(service, warehouse);
    }

    protected static RunOptions Options(SelectionSettings settings, bool fullRefresh = false, int? threads = null) => new()
    {
        Select = settings.Select,
        Exclude = settings.Exclude,
        FullRefresh = fullRefresh,
        Threads = threads ?? Math.Max(1, Environment.ProcessorCount),
    };
}
