using Spectre.Console;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Errors;

namespace Strata.Cli.Commands.Infra;

/// <summary><c>strata infra apply</c>: shows the plan, asks on a terminal (unless --yes), then runs exactly that plan.</summary>
internal sealed class InfraApplyCommand(CliRuntime runtime, SpectreStrataConsole console) : InfraCommandBase<InfraApplySettings>(runtime, console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, InfraApplySettings settings, CancellationToken cancellationToken)
    {
        await using var service = await ServiceAsync(settings, cancellationToken);
        var plan = await service.PlanAsync(settings.Prune, cancellationToken: cancellationToken);
        if (!settings.Json)
        {
            PlanView.Show(Console, plan, colour: Console.IsInteractive);
        }

        if (plan.IsEmpty)
        {
            if (settings.Json)
            {
                Console.Json(new { Plan = PlanView.Json(plan), Applied = Array.Empty<string>(), Warnings = Array.Empty<string>() });
            }

            return 0;
        }

        if (!settings.Yes)
        {
            if (!Console.IsInteractive)
            {
                throw new UsageException("strata infra apply is not on a terminal, so it cannot ask: review `strata infra plan`, then run `strata infra apply --yes`");
            }

            if (!Console.Ansi.Confirm($"Apply these {plan.Changes.Count} change(s)?", defaultValue: false))
            {
                Console.Info("Nothing applied.");
                return 1;
            }
        }

        var (done, warnings) = await service.ApplyAsync(plan, cancellationToken);
        foreach (var warning in warnings)
        {
            Console.Warning(warning);
        }

        if (settings.Json)
        {
            Console.Json(new { Plan = PlanView.Json(plan), Applied = done, Warnings = warnings });
        }
        else
        {
            Console.Success($"Applied {done.Count} change(s); `strata infra plan` now shows none.");
        }

        return 0;
    }
}
