using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;

namespace Strata.Cli.Commands.Infra;

/// <summary>
/// <c>strata infra drift</c>: the plan for CI — never coloured, exit 2 when the servers drifted from infra.yml. A CI
/// machine has no secret store, so logins whose password only this machine lacks are a note, not drift.
/// </summary>
internal sealed class InfraDriftCommand(CliRuntime runtime, SpectreStrataConsole console) : InfraCommandBase<InfraPlanSettings>(runtime, console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, InfraPlanSettings settings, CancellationToken cancellationToken)
    {
        await using var service = await ServiceAsync(settings, cancellationToken);
        var plan = await service.PlanAsync(settings.Prune, serversOnly: true, cancellationToken);
        if (settings.Json)
        {
            Console.Json(PlanView.Json(plan));
        }
        else
        {
            PlanView.Show(Console, plan, colour: false);
        }

        return plan.IsEmpty ? 0 : ChangesExitCode;
    }
}
