using System.ComponentModel;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;

namespace Strata.Cli.Commands.Source;

/// <summary><c>strata source init</c>.</summary>
internal sealed class SourceInitCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<SourceInitCommand.Options>(runtime, console)
{
    internal sealed class Options : JsonSettings
    {
        [CommandOption("--connection <CONNECTION>")]
        [Description("Apply to this server instead of the configured source, e.g. \"Host=db;Port=5432;Username=admin\" (password from STRATA_SOURCE_PASSWORD)")]
        public string? Connection { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options settings, CancellationToken cancellationToken)
    {
        var changes = await Source(settings).InitAsync(settings.Connection, cancellationToken);
        if (settings.Json)
        {
            Console.Json(new { Changes = changes });
        }
        else if (changes.Count == 0)
        {
            Console.Success("The source already has the schema, CDC login and publication; nothing changed.");
        }
        else
        {
            foreach (var change in changes)
            {
                Console.Info(change);
            }

            Console.Success($"Applied {changes.Count} change(s) to the source.");
        }

        return 0;
    }
}
