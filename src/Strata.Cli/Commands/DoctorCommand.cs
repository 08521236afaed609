using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Source.Diagnostics;

namespace Strata.Cli.Commands;

/// <summary><c>strata doctor</c>: exit 1 when any check fails.</summary>
internal sealed class DoctorCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<JsonSettings>(runtime, console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, JsonSettings settings, CancellationToken cancellationToken)
    {
        var checks = await new Doctor(LoadConfig(settings)).RunAsync(cancellationToken);
        var healthy = checks.All(c => c.Ok);
        if (settings.Json)
        {
            Console.Json(new { Healthy = healthy, Checks = checks });
        }
        else
        {
            Console.Table(
                ["", "check", "found", "fix"],
                checks.Select(c => (IReadOnlyList<string>)[c.Ok ? "✅" : "✗", c.Name, c.Detail, c.Ok ? "" : c.Fix ?? ""]),
                "Strata doctor");
            if (healthy)
            {
                Console.Success("Everything change data capture needs is in place.");
            }
            else
            {
                Console.Warning($"{checks.Count(c => !c.Ok)} check(s) failed; apply the fixes above and run `strata doctor` again.");
            }
        }

        return healthy ? 0 : 1;
    }
}
