using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;

namespace Strata.Cli.Commands.Source;

/// <summary><c>strata source status</c>.</summary>
internal sealed class SourceStatusCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<JsonSettings>(runtime, console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, JsonSettings settings, CancellationToken cancellationToken)
    {
        var status = await Source(settings).StatusAsync(cancellationToken);
        if (settings.Json)
        {
            Console.Json(status);
            return 0;
        }

        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "source", status.Kind },
            new[] { "running", status.Running ? "yes" : "no" },
            new[] { "address", status.Address ?? "-" },
            new[] { "database", status.Database },
        };
        if (status.DataDirectory is not null)
        {
            rows.Add(["data folder", status.DataDirectory]);
        }

        if (status.ServerVersion is not null)
        {
            rows.Add(["server version", status.ServerVersion]);
            rows.Add(["wal_level", status.WalLevel ?? "-"]);
        }

        rows.AddRange(status.RowCounts.Select(c => (IReadOnlyList<string>)[$"rows in {c.Key}", c.Value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)]));
        if (status.Problem is not null)
        {
            rows.Add(["problem", status.Problem]);
        }

        Console.Table(["", "value"], rows, "Source");
        return 0;
    }
}
