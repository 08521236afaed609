using System.ComponentModel;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Text;
using Strata.Cli.Output;
using Strata.Configuration;
using Strata.Source.Workload;

namespace Strata.Cli.Commands.Source;

/// <summary><c>strata source simulate</c>.</summary>
internal sealed class SourceSimulateCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<SourceSimulateCommand.Options>(runtime, console)
{
    internal sealed class Options : JsonSettings
    {
        [CommandOption("--speed <X>")]
        [Description("Speed factor: 1 is the original rates (default: simulate.speed, 1)")]
        public double? Speed { get; init; }

        [CommandOption("--duration <T>")]
        [Description("Stop after this long, e.g. 20s, 5m, 1h (default: until Ctrl+C)")]
        public string? Duration { get; init; }

        [CommandOption("--seed <S>")]
        [Description("Seed of the random choices (default: a new one each run)")]
        public long? Seed { get; init; }

        [CommandOption("--delete-rate <R>")]
        [Description("Share of order operations that delete an order or an item, 0 to 1 (default: simulate.delete_rate, 0)")]
        public double? DeleteRate { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options settings, CancellationToken cancellationToken)
    {
        var config = LoadConfig(settings);
        var options = OptionsFrom(config, settings.Speed, settings.DeleteRate) with
        {
            Duration = settings.Duration is null ? null : DurationParser.Parse(settings.Duration, "--duration"),
            Seed = settings.Seed,
        };
        options.Validate();
        if (!settings.Json)
        {
            Console.Info($"Simulating the live workload at ×{options.Speed:0.###}{(options.Duration is { } d ? $" for {d}" : "; Ctrl+C stops")}.");
        }

        var started = DateTime.UtcNow;
        var stats = await new Strata.Source.SourceService(config, Console).SimulateAsync(options, cancellationToken);
        Report(Console, stats, DateTime.UtcNow - started, settings.Json);
        return 0;
    }

    /// <summary>Workload options from the command line, falling back to <c>simulate.*</c> settings (shared with <c>strata up</c>).</summary>
    internal static SimulateOptions OptionsFrom(StrataConfig config, double? speed, double? deleteRate) => new()
    {
        Speed = speed ?? config.Number(Settings.SimulateSpeed) ?? 1,
        DeleteRate = deleteRate ?? config.Number(Settings.SimulateDeleteRate) ?? 0,
    };

    /// <summary>Prints the totals of a workload run (shared with <c>strata up</c>).</summary>
    internal static void Report(SpectreStrataConsole console, WorkloadStats stats, TimeSpan elapsed, bool json)
    {
        var rate = stats.Total / Math.Max(elapsed.TotalSeconds, 1e-3);
        var achieved = stats.WorkloadTime / elapsed;
        if (json)
        {
            console.Json(new
            {
                Operations = stats.ToDictionary(),
                stats.Total,
                stats.Customers,
                stats.Products,
                stats.Orders,
                stats.ItemsInserted,
                Seconds = elapsed.TotalSeconds,
                OperationsPerSecond = rate,
                WorkloadSeconds = stats.WorkloadTime.TotalSeconds,
                AchievedSpeed = achieved,
            });
            return;
        }

        console.Success(
            $"Stopped after {stats.Total:N0} operations in {elapsed.TotalSeconds:0.0} s ({rate:N0} ops/s, speed ×{achieved:0.#} achieved): " +
            string.Join(", ", stats.ToDictionary().Where(o => o.Value > 0).Select(o => $"{o.Value:N0} {o.Key}")) + ".");
    }
}
