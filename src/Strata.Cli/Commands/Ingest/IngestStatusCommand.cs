using System.Globalization;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Host;
using Strata.Ingestion;
using Strata.Text;

namespace Strata.Cli.Commands.Ingest;

/// <summary><c>strata ingest status</c>.</summary>
internal sealed class IngestStatusCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<JsonSettings>(runtime, console)
{
    /// <summary>Ingestion's state: asked of the running <c>strata up</c> while it owns the DuckDB warehouse, else read directly.</summary>
    internal static async Task<IngestStatus> ReadAsync(Strata.Configuration.StrataConfig config, Strata.Output.IStrataConsole console, CancellationToken cancellationToken)
    {
        using var host = HostClient.OwningWarehouse(config);
        await using var warehouse = Strata.Platform.Warehouses.Shared(Strata.Platform.WarehouseLogins.For(config, Strata.Platform.WarehouseLogins.Ingestion));
        return host is null
            ? await new IngestionService(config, warehouse.Lend, console).StatusAsync(cancellationToken)
            : await host.GetAsync<IngestStatus>("api/ingest/status", cancellationToken);
    }

    public override async Task<int> ExecuteAsync(CommandContext context, JsonSettings settings, CancellationToken cancellationToken)
    {
        var status = await ReadAsync(LoadConfig(settings), Console, cancellationToken);
        if (settings.Json)
        {
            Console.Json(status);
            return 0;
        }

        Console.Table(["", "value"],
        [
            ["pipeline", status.Pipeline],
            ["slot", $"{status.Slot} ({status.SlotState})"],
            ["confirmed LSN (server)", status.ConfirmedLsn ?? "-"],
            ["checkpoint LSN (bronze)", status.CheckpointLsn ?? "-"],
            ["lag", status.LagBytes is { } b ? $"{b:N0} bytes" : "-"],
            ["freshness", status.LagSeconds is { } s ? $"{s:0.0} s behind the newest applied change" : "-"],
        ], "Ingestion");
        Console.Table(["bronze table", "rows", "last change (UTC)", "snapshot"],
            status.Tables.Select(t => (IReadOnlyList<string>)[
                t.Table, t.Rows.ToString("N0", CultureInfo.InvariantCulture), t.LastChange?.ToString("u", CultureInfo.InvariantCulture) ?? "-", t.Snapshot]));
        if (status.Quarantined.Count > 0)
        {
            Console.Table(["quarantined table", "changes held", "since LSN", "why"],
                status.Quarantined.Select(q => (IReadOnlyList<string>)[
                    q.SourceTable, q.Held.ToString("N0", CultureInfo.InvariantCulture), LsnText.Format(q.FirstLsn), q.Error]));
            Console.Warning($"fix the value at the source, then run `strata ingest --resync {string.Join(",", status.Quarantined.Select(q => q.SourceTable))}`");
        }

        return 0;
    }
}
