using Spectre.Console.Cli;
using Strata.Cli.Commands;
using Strata.Cli.Output;

namespace Strata.Cli.Infrastructure;

/// <summary>Switches the console to JSON mode before a command runs with <c>--json</c>.</summary>
internal sealed class JsonModeInterceptor(SpectreStrataConsole console) : ICommandInterceptor
{
    public void Intercept(CommandContext context, CommandSettings settings) =>
        console.JsonMode = settings is JsonSettings { Json: true };
}
