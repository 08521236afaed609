using System.ComponentModel;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Ingestion;

namespace Strata.Cli.Commands.Ingest;

/// <summary><c>strata ingest</c>: change data capture into bronze.</summary>
internal sealed class IngestCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<IngestCommand.Options>(runtime, console)
{
    internal sealed class Options : JsonSettings
    {
        [CommandOption("--once")]
        [Description("Catch up to the WAL position current at start, commit, and exit")]
        public bool Once { get; init; }

        [CommandOption("--threads <N>")]
        [Description("Copies a snapshot runs at once, tables and block ranges of one table alike (PostgreSQL warehouse; DuckDB has one writer). Default: one per core")]
        public int? Threads { get; init; }

        [CommandOption("--take-over-slot")]
        [Description("Move the pipeline's replication slot to this warehouse from the one that owns it; that warehouse then misses every later change, this one takes a fresh snapshot")]
        public bool TakeOverSlot { get; init; }

        [CommandOption("--resync [TABLES]")]
        [Description("Take a fresh consistent snapshot of the named tables (schema.table, comma-separated) or, with no value, of all, then stream on")]
        public FlagValue<string>? Resync { get; init; }
    }

    /// <summary>The tables a <c>--resync [TABLES]</c> option names: null without the option, empty for every table.</summary>
    internal static IReadOnlyList<string>? ResyncTables(FlagValue<string>? option) =>
        option is { IsSet: true } ? (option.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;

    public override async Task<int> ExecuteAsync(CommandContext context, Options settings, CancellationToken cancellationToken)
    {
        if (settings.Threads is < 1)
        {
            throw new Errors.UsageException($"--threads {settings.Threads}: give at least 1 (copies a snapshot runs at once)");
        }

        var config = LoadConfig(settings);
        var resync = ResyncTables(settings.Resync);
        if (resync is not null && Strata.Host.HostClient.Find(config) is { } host)
        {
            // strata up holds the slot: it takes the resync itself, without stopping.
            using (host)
            {
                var taken = await host.PostAsync<Strata.Host.Web.ResyncRequest>("api/ingest/resync" + Strata.Host.HostClient.TableQuery(resync), cancellationToken);
                if (settings.Json)
                {
                    Console.Json(taken);
                }
                else
                {
                    Console.Success($"strata up is taking the resync of {(taken.Tables.Count == 0 ? "every table" : string.Join(", ", taken.Tables))}; `strata status` shows ingestion's state.");
                }

                return 0;
            }
        }

        await using var warehouse = Strata.Platform.Warehouses.Shared(Strata.Platform.WarehouseLogins.For(config, Strata.Platform.WarehouseLogins.Ingestion));
        var service = new IngestionService(config, warehouse.Lend, Console);
        var options = IngestOptions.From(config) with
        {
            Once = settings.Once,
            TakeOverSlot = settings.TakeOverSlot,
            Threads = settings.Threads ?? Math.Max(1, Environment.ProcessorCount),
            Resync = resync,
        };
        if (!settings.Once && !settings.Json)
        {
            Console.Info($"Ingesting pipeline {service.Pipeline} through slot {service.Slot}; Ctrl+C stops after the current batch.");
        }

        var result = await service.RunAsync(options, cancellationToken);
        if (settings.Json)
        {
            Console.Json(result);
        }
        else
        {
            Console.Success(
                $"{(result.SnapshotRows > 0 ? $"Snapshot {result.SnapshotRows:N0} rows; " : "")}{result.Changes:N0} changes in {result.Transactions:N0} transactions written; " +
                $"checkpoint {result.ConfirmedLsn}.");
        }

        if (result.Quarantined.Count > 0)
        {
            // Every other table landed, but these hold changes bronze does not have: not a success.
            Console.Error(
                $"{result.Quarantined.Count} table(s) quarantined: {string.Join(", ", result.Quarantined)}; their changes are held in _strata.quarantine " +
                $"(`strata ingest status` shows why); fix the value at the source, then run `strata ingest --resync {string.Join(",", result.Quarantined)}`");
            return 1;
        }

        return 0;
    }
}
