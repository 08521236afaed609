using System.ComponentModel;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;

namespace Strata.Cli.Commands.Source;

/// <summary><c>strata source down</c>.</summary>
internal sealed class SourceDownCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<SourceDownCommand.Options>(runtime, console)
{
    internal sealed class Options : GlobalSettings
    {
        [CommandOption("--purge")]
        [Description("Also delete the cluster and all its data")]
        public bool Purge { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options settings, CancellationToken cancellationToken)
    {
        Console.Success(await Source(settings).DownAsync(settings.Purge, cancellationToken));
        return 0;
    }
}
