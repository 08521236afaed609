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
    /// <param name="tables">The tables.</param>
    /// <param name="streamFrom">
    /// Where the stream goes on from: a table whose earlier copy stopped partway, stamped at or after it, is completed
    /// under that stamp (<see cref="Snapshotter.RunAsync"/>); null copies every table anew (a resync while streaming).
    /// </param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<long> RunAsync(IReadOnlyList<SourceTable> tables, ulong? streamFrom, CancellationToken cancellationToken)
    {
        await using var temporary = await ReplicationSession.OpenAsync(connectionString, cdc, cancellationToken);
        var created = await temporary.CreateSlotAsync($"{slot}_resync", temporary: true, cancellationToken);
        console.Info($"Resyncing {string.Join(", ", tables.Select(t => t.DisplayName))} as of {created.ConsistentPoint}.");
        var snapshotLsn = ReplicationSession.SnapshotLsn(created);
        var result = await snapshotter.RunAsync(created.SnapshotName!, snapshotLsn, tables, streamFrom ?? ulong.MaxValue, cancellationToken, replaceIncompatible: true);
        foreach (var table in tables)
        {
            // A table completed under an earlier stamp drops only the changes up to that stamp: the later ones are not in its older rows.
            points.Set(table.BronzeName, result.Stamps.GetValueOrDefault(table.BronzeName, snapshotLsn));
        }

        return result.Rows;
    }
}
