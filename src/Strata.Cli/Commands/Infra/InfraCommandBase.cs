using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Infra;
using Strata.Infra.Declaration;
using Strata.Warehouse.Metadata;

namespace Strata.Cli.Commands.Infra;

/// <summary>What plan, apply and drift share: the service for the project, and the plan's exit code.</summary>
internal abstract class InfraCommandBase<TSettings>(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<TSettings>(runtime, console)
    where TSettings : InfraPlanSettings
{
    /// <summary>Exit code of a plan with changes (0 means none, 1 an error), for CI drift checks.</summary>
    public const int ChangesExitCode = 2;

    protected InfraService Service(TSettings settings)
    {
        var config = LoadConfig(settings);
        return new InfraService(config, InfraFile.Load(config.ProjectDirectory), async cancellationToken =>
        {
            // The admin login creates and migrates _strata, so the parts' least-privilege logins never need to.
            await using var warehouse = await Strata.Platform.Warehouses.OpenAsync(config, cancellationToken);
            await StrataSchema.EnsureAsync(warehouse, cancellationToken);
        });
    }
}
