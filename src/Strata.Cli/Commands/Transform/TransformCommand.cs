using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Configuration;
using Strata.Ingestion;
using Strata.Transform;
using Strata.Transform.Execution;
using Strata.Warehouse;

namespace Strata.Cli.Commands.Transform;

/// <summary>Base of the model commands: opens the warehouse and loads the analytics project.</summary>
internal abstract class TransformCommand<TSettings>(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<TSettings>(runtime, console)
    where TSettings : SelectionSettings
{
    /// <summary>Runs <paramref name="work"/> with the project loaded against the configured warehouse.</summary>
    protected async Task<int> WithServiceAsync(TSettings settings, Func<TransformService, IWarehouse, Task<int>> work, CancellationToken cancellationToken)
    {
        var config = LoadConfig(settings);
        await using var warehouse = await WarehouseFactory.OpenAsync(config, cancellationToken);
        var service = await TransformService.OpenAsync(ProjectDirectory(config), warehouse, Path.Combine(config.ProjectDirectory, "target"), Console);
        return await work(service, warehouse);
    }

    protected static RunOptions Options(TSettings settings, bool fullRefresh = false, int? threads = null) => new()
    {
        Select = settings.Select,
        Exclude = settings.Exclude,
        FullRefresh = fullRefresh,
        Threads = threads ?? Math.Max(1, Environment.ProcessorCount),
    };

    /// <summary>The analytics project: the configured folder, or the finance project shipped with Strata when the default folder is missing.</summary>
    internal static string ProjectDirectory(StrataConfig config)
    {
        var configured = config.FullPath(Settings.TransformProject)!;
        if (Directory.Exists(configured) || config.Get(Settings.TransformProject).Origin != "default")
        {
            return configured;
        }

        return Path.Combine(AppContext.BaseDirectory, "analytics");
    }
}
