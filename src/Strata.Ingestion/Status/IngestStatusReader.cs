using System.Globalization;
using Strata.Ingestion.Bronze;
using Strata.Ingestion.Resync;
using Strata.Ingestion.Streaming;
using Strata.Text;

namespace Strata.Ingestion.Status;

/// <summary>What <c>strata ingest status</c> and the host's monitor read: the slot as the source sees it and bronze as the warehouse has it.</summary>
internal sealed class IngestStatusReader(IngestionService ingestion)
{
    /// <summary>The slot as the source sees it: its state (<c>active</c>, <c>inactive</c>, <c>missing</c>, <c>lost</c>) and the WAL it holds back.</summary>
    public async Task<(string State, long? LagBytes)> SlotAsync(CancellationToken cancellationToken = default)
    {
        await using var source = await ingestion.CdcEndpoint().OpenAsync(ingestion.Source.Database, cancellationToken);
        var slot = await SlotState.ReadAsync(source, ingestion.Slot, cancellationToken);
        return (Describe(slot), slot?.LagBytes);
    }

    private static string Describe(SlotState? slot) => slot switch
    {
        null => "missing",
        { WalStatus: "lost" } => "lost",
        { Active: true } => "active",
        _ => "inactive",
    };

    /// <summary>The slot as the source sees it and bronze as the warehouse has it.</summary>
    public async Task<IngestStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        var cdc = ingestion.CdcEndpoint();
        SlotState? slot;
        await using (var source = await cdc.OpenAsync(ingestion.Source.Database, cancellationToken))
        {
            slot = await SlotState.ReadAsync(source, ingestion.Slot, cancellationToken);
        }

        await using var warehouse = await ingestion.OpenWarehouse(cancellationToken);
        await MetadataTables.EnsureAsync(warehouse, cancellationToken);
        var writer = await BronzeWriter.OpenAsync(warehouse, ingestion.Pipeline, ingestion.Slot, ingestion.Console, cancellationToken);
        var checkpoint = await writer.ReadCheckpointAsync(cancellationToken);
        var tables = new List<BronzeTableStatus>();
        var snapshotted = await new SnapshotRecords(warehouse, ingestion.Pipeline).TablesAsync(cancellationToken);
        var names = await warehouse.QueryAsync(
            $"SELECT DISTINCT table_name FROM {warehouse.Qualify(MetadataTables.Schema, "bronze_columns")} ORDER BY table_name", null, cancellationToken);
        foreach (var name in names.Select(r => (string)r[0]!))
        {
            var rows = await warehouse.QueryAsync(
                $"SELECT count(*), max(CASE WHEN _op <> 'r' THEN _commit_ts END) FROM {warehouse.Qualify(BronzeTable.Schema, name)}", null, cancellationToken);
            tables.Add(new BronzeTableStatus(name, Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture), Timestamps.ToUtc(rows[0][1]),
                writer.Quarantine.Holds(name) ? "quarantined" : snapshotted.Contains(name) ? "done" : "pending"));
        }

        var newest = tables.Select(t => t.LastChange).Where(t => t is not null).DefaultIfEmpty().Max();
        return new IngestStatus
        {
            Pipeline = ingestion.Pipeline,
            Slot = ingestion.Slot,
            SlotState = Describe(slot),
            ConfirmedLsn = slot?.ConfirmedFlushLsn,
            CheckpointLsn = checkpoint is { } c ? LsnText.Format(c) : null,
            LagBytes = slot?.LagBytes,
            LagSeconds = newest is { } n ? Math.Max(0, (DateTime.UtcNow - n).TotalSeconds) : null,
            Tables = tables,
            Quarantined = await Quarantine.ReadAsync(warehouse, ingestion.Pipeline, cancellationToken),
        };
    }
}
