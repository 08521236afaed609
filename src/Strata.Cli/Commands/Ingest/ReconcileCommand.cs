using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Host;
using Strata.Ingestion;

namespace Strata.Cli.Commands.Ingest;

/// <summary><c>strata reconcile</c>: prove bronze (and so silver's input) equals the source at one LSN.</summary>
internal sealed class ReconcileCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<ReconcileCommand.Options>(runtime, console)
{
    internal sealed class Options : JsonSettings
    {
        [CommandArgument(0, "[TABLES]")]
        [Description("Source tables to compare (schema.table); none = every published table")]
        public string[] Tables { get; init; } = [];
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options settings, CancellationToken cancellationToken)
    {
        var config = LoadConfig(settings);
        // While strata up owns the DuckDB warehouse, it reconciles (its ingestion catches bronze up meanwhile).
        using var host = HostClient.OwningWarehouse(config, TimeSpan.FromMinutes(30));
        await using var warehouse = Strata.Platform.Warehouses.Shared(Strata.Platform.WarehouseLogins.For(config, Strata.Platform.WarehouseLogins.Ingestion));
        var result = host is null
            ? await new IngestionService(config, warehouse.Lend, Console).ReconcileAsync(settings.Tables, cancellationToken)
            : await host.PostAsync<ReconcileResult>("api/reconcile" + HostClient.TableQuery(settings.Tables), cancellationToken);
        if (settings.Json)
        {
            Console.Json(result);
        }
        else
        {
            Console.Table(["table", "source rows", "bronze rows", "checksum", "differing keys"],
                result.Tables.Select(t => (IReadOnlyList<string>)[
                    t.Table, t.SourceRows.ToString("N0", CultureInfo.InvariantCulture), t.BronzeRows.ToString("N0", CultureInfo.InvariantCulture),
                    t.SourceChecksum == t.BronzeChecksum ? $"equal ({t.SourceChecksum})" : $"{t.SourceChecksum} ≠ {t.BronzeChecksum}",
                    t.MismatchCount == 0 ? "none" : $"{t.MismatchCount:N0}: {string.Join("; ", t.Mismatches)}"]),
                $"Source vs bronze at {result.Lsn}");
            if (result.Equal)
            {
                Console.Success($"All {result.Tables.Count} tables equal the source at {result.Lsn}.");
            }
            else
            {
                Console.Warning($"{result.Tables.Count(t => !t.Equal)} of {result.Tables.Count} tables differ from the source at {result.Lsn}.");
            }
        }

        return result.Equal ? 0 : 1;
    }
}
