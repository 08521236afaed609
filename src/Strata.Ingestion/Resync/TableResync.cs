using Strata.Ingestion.Catalog;
using Strata.Ingestion.Replication;
using Strata.Ingestion.Snapshot;
using Strata.Output;
using Strata.Source.Connection;

namespace Strata.Ingestion.Resync;

/// <summary>
/// A fresh snapshot of some tables while the main slot keeps its place: a temporary slot exports a snapshot at a
/// newer consistent point, the tables are copied as of it (<c>_op = 'r'</c> at that LSN), then streaming goes on from
/// the checkpoint. Changes older than the new snapshot order before it by <c>(_lsn, _seq)</c>, so none is duplicated in state.
/// </summary>
internal sealed class TableResync(
    string connectionString, SourceEndpoint cdc, Snapshotter snapshotter, string slot, ResyncPoints points, IStrataConsole console)
{
    /// <summary>Snapshots <paramref name="tables"/> again; returns the rows copied.</summary>
    public async Task<long> RunAsync(IReadOnlyList<SourceTable> tables, CancellationToken cancellationToken)
    {
        await using var temporary = await ReplicationSession.OpenAsync(connectionString, cdc, cancellationToken);
        var created = await temporary.CreateSlotAsync($"{slot}_resync", temporary: true, cancellationToken);
        console.Info($"Resyncing {string.Join(", ", tables.Select(t => t.DisplayName))} as of {created.ConsistentPoint}.");
        var snapshotLsn = ReplicationSession.SnapshotLsn(created);
        foreach (var table in tables)
        {
            points.Set(table.BronzeName, snapshotLsn);
        }

        return await snapshotter.RunAsync(created.SnapshotName!, snapshotLsn, tables, cancellationToken, replaceIncompatible: true);
    }
}
