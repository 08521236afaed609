using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Configuration;
using Strata.Infra;
using Strata.Infra.Declaration;
using Strata.Platform;

namespace Strata.Cli.Commands.Infra;

/// <summary>What plan, apply and drift share: the service for the project, and the plan's exit code.</summary>
internal abstract class InfraCommandBase<TSettings>(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<TSettings>(runtime, console)
    where TSettings : InfraPlanSettings
{
    /// <summary>Exit code of a plan with changes (0 means none, 1 an error), for CI drift checks.</summary>
    public const int ChangesExitCode = 2;

    /// <summary>The service; on a Snowflake warehouse with a <c>snowflake:</c> section, with a session to the account (the caller disposes the service).</summary>
    protected async Task<InfraService> ServiceAsync(TSettings settings, CancellationToken cancellationToken)
    {
        var config = LoadConfig(settings);
        var declaration = InfraFile.Load(config.ProjectDirectory);
        var snowflake = config.Text(Settings.WarehouseEngine) == "snowflake" && declaration.Snowflake is not null
            ? await SnowflakeInfraSession.OpenAsync(config, cancellationToken)
            : null;
        return new InfraService(config, declaration, token => Warehouses.MigrateMetadataAsync(config, token), snowflake);
    }
}
