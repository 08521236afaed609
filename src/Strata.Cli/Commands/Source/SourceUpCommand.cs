using System.ComponentModel;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Source;

namespace Strata.Cli.Commands.Source;

/// <summary><c>strata source up</c>.</summary>
internal sealed class SourceUpCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<SourceUpCommand.Options>(runtime, console)
{
    internal sealed class Options : JsonSettings
    {
        [CommandOption("--port <PORT>")]
        [Description("Move the local source to this loopback port (0 picks a free one); default: the remembered port")]
        public int? Port { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options settings, CancellationToken cancellationToken)
    {
        var result = await Source(settings).UpAsync(settings.Port, cancellationToken);
        Report(Console, result, settings.Json);
        return 0;
    }

    /// <summary>Prints what <c>source up</c> did (shared with <c>strata up</c>).</summary>
    internal static void Report(SpectreStrataConsole console, UpResult result, bool json)
    {
        if (json)
        {
            console.Json(result);
            return;
        }

        if (result.NothingChanged)
        {
            console.Success($"The local source is already up on {result.Address} with everything in place; nothing changed.");
            return;
        }

        if (result.Created)
        {
            console.Info($"Created a PostgreSQL cluster for the local source (wal_level=logical).");
        }

        if (result.Started)
        {
            console.Info($"Started the local source on {result.Address}.");
        }

        foreach (var change in result.Changes)
        {
            console.Info($"  {change}");
        }

        if (result.Seeded is { } seeded)
        {
            console.Info($"Loaded the initial data: {string.Join(", ", seeded.Rows.Select(r => $"{r.Value:N0} {r.Key}"))}.");
        }

        console.Success($"The local source is up on {result.Address}.");
    }
}
