using System.ComponentModel;
using Spectre.Console.Cli;
using Strata.Cli.Commands.Source;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Output;
using Strata.Text;

namespace Strata.Cli.Commands;

/// <summary><c>strata up</c>: the platform on its embedded defaults: the local source and its workload, ingestion, transformation, report schedules.</summary>
internal sealed class UpCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<UpCommand.Options>(runtime, console)
{
    internal sealed class Options : GlobalSettings
    {
        [CommandOption("--speed <X>")]
        [Description("Speed of the simulated workload (default: simulate.speed, 1)")]
        public double? Speed { get; init; }

        [CommandOption("--no-simulate")]
        [Description("Do not run the simulated workload")]
        public bool NoSimulate { get; init; }

        [CommandOption("--simulate-for <DURATION>")]
        [Description("Stop the simulated workload after this long (e.g. 60s, 10m); the platform keeps running")]
        public string? SimulateFor { get; init; }

        [CommandOption("--resync [TABLES]")]
        [Description("Ingestion first takes a fresh consistent snapshot of the named tables (schema.table, comma-separated) or, with no value, of all — which also recovers a lost slot")]
        public FlagValue<string>? Resync { get; init; }

        [CommandOption("--delete-rate <R>")]
        [Description("Share of order operations that delete, 0 to 1 (default: simulate.delete_rate, 0)")]
        public double? DeleteRate { get; init; }

        [CommandOption("--verbose")]
        [Description("On a terminal, also show every set-up step and each worker's messages above the status line (redirected output always has them)")]
        public bool Verbose { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options settings, CancellationToken cancellationToken)
    {
        var config = LoadConfig(settings);
        // The workload's options are checked before anything starts, even where no workload will run.
        var checkedOptions = SourceSimulateCommand.OptionsFrom(config, settings.Speed, settings.DeleteRate) with
        {
            Duration = settings.SimulateFor is null ? null : DurationParser.Parse(settings.SimulateFor, "--simulate-for"),
        };
        checkedOptions.Validate();
        // On a terminal the set-up steps give way to one line (--verbose shows them); logs always keep them.
        var brief = Console.IsInteractive && !settings.Verbose;
        var source = new Strata.Source.SourceService(config, brief ? new LinesOnlyConsole(Console, info: false) : Console);
        if (source.Settings.IsLocal && brief)
        {
            Console.Live("Starting the local source…");
            var up = await source.UpAsync(cancellationToken: cancellationToken);
            Console.Live("");
            Console.Success($"The local source is up on {up.Address}.");
        }
        else if (source.Settings.IsLocal)
        {
            SourceUpCommand.Report(Console, await source.UpAsync(cancellationToken: cancellationToken), json: false);
        }
        else
        {
            Console.Info($"Using the existing source at {source.Endpoint().Address}; its data is never changed by `strata up`.");
        }

        var workload = settings.NoSimulate || !source.Settings.IsLocal ? null : checkedOptions;
        Console.Info(
            $"Strata is up: {(workload is null ? "" : $"the live workload at ×{workload.Speed:0.###}, ")}ingestion into {config.Text(Strata.Configuration.Settings.WarehouseEngine)}, " +
            "transformation on every commit, report schedules. Press Ctrl+C to stop.");
        var state = await Strata.Host.PlatformHost.RunAsync(config, workload, Console, cancellationToken, resync: Ingest.IngestCommand.ResyncTables(settings.Resync), verbose: settings.Verbose);
        Console.Info($"Stopped after {state.Runs} transformation runs.");
        // The local source outlives the host on purpose (the next `strata up` resumes from its slot): say so — if it
        // still runs (it may have been stopped or purged meanwhile).
        if (source.Settings.IsLocal && source.Cluster is { Exists: true } cluster && await cluster.IsRunningAsync(CancellationToken.None))
        {
            Console.Info($"The local source is still running on {source.Endpoint().Address}; `strata source down` stops it.");
        }

        return 0;
    }
}
