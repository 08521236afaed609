using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;

namespace Strata.Cli.Commands.Infra;

/// <summary><c>strata infra plan</c>: exit 0 when nothing would change, 2 when something would, 1 on error.</summary>
internal sealed class InfraPlanCommand(CliRuntime runtime, SpectreStrataConsole console) : InfraCommandBase<InfraPlanSettings>(runtime, console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, InfraPlanSettings settings, CancellationToken cancellationToken)
    {
        await using var service = await ServiceAsync(settings, cancellationToken);
        var plan = await service.PlanAsync(settings.Prune, cancellationToken: cancellationToken);
        if (settings.Json)
        {
            Console.Json(PlanView.Json(plan));
        }
        else
        {
            PlanView.Show(Console, plan, colour: Console.IsInteractive);
        }

        return plan.IsEmpty ? 0 : ChangesExitCode;
    }
}
