using Npgsql;
using Npgsql.Replication.PgOutput.Messages;
using Strata.Ingestion.Bronze;
using Strata.Ingestion.Catalog;
using Strata.Ingestion.Resync;
using Strata.Output;

namespace Strata.Ingestion.Relations;

/// <summary>
/// Follows the stream's relation messages: keeps each published table's shape, brings bronze up to date when a
/// table's columns change, and has a table that joined the publication snapshotted.
/// </summary>
/// <remarks>Lives as long as the service, as its tables' verification does across retried attempts.</remarks>
internal sealed class RelationTracker(string publication, ResyncPoints resynced, IStrataConsole console)
{
    private readonly HashSet<string> _unverified = new(StringComparer.Ordinal);

    /// <summary>
    /// Has the first relation message of each of <paramref name="tables"/> checked against bronze in this attempt: the
    /// source may have changed while ingestion was stopped. The others' bronze is known to match the catalog.
    /// </summary>
    public void Unverify(IEnumerable<string> tables)
    {
        _unverified.Clear();
        _unverified.UnionWith(tables);
    }

    /// <summary>The table a relation message describes, with bronze brought up to date with it.</summary>
    /// <param name="relation">The message.</param>
    /// <param name="lsn">Where in the stream it came.</param>
    /// <param name="tables">The published tables by <c>schema.table</c>; a changed or new one is replaced or added.</param>
    /// <param name="source">A connection for catalog look-ups.</param>
    /// <param name="writer">Bronze.</param>
    /// <param name="snapshotNewTable">Snapshots a table that joined the publication.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<SourceTable> ResolveAsync(
        RelationMessage relation,
        ulong lsn,
        Dictionary<string, SourceTable> tables,
        NpgsqlConnection source,
        BronzeWriter writer,
        Func<SourceTable, Task<long>> snapshotNewTable,
        CancellationToken cancellationToken)
    {
        var name = $"{relation.Namespace}.{relation.RelationName}";
        if (resynced.Covers($"{relation.Namespace}__{relation.RelationName}", lsn))
        {
            // A shape from before the table's resync snapshot: its changes are dropped, bronze is not touched.
            return await SourceCatalog.FromRelationAsync(source, relation, tables.GetValueOrDefault(name), cancellationToken);
        }

        var columns = relation.Columns.Select(c => (c.ColumnName, c.DataTypeId, c.TypeModifier)).ToList();
        // A table's first relation message in this session is checked against bronze even when the shape is as known.
        if (tables.TryGetValue(name, out var known) && !_unverified.Remove(name) && known.Columns.Select(c => (c.Name, c.TypeOid, c.TypeModifier)).SequenceEqual(columns))
        {
            return known;
        }

        // A new table in the publication, or its columns changed: bring bronze up to date with the message.
        var current = (await SourceCatalog.ReadAsync(source, publication, cancellationToken)).FirstOrDefault(t => t.DisplayName == name);
        var fresh = await SourceCatalog.FromRelationAsync(source, relation, current ?? known, cancellationToken);
        var isNew = !tables.ContainsKey(name);
        await writer.EnsureTableAsync(fresh, followSource: true, cancellationToken);
        tables[name] = fresh;
        if (isNew && current is null)
        {
            // Published once, gone now (dropped, or taken out of the publication) before it was ever snapshotted:
            // there is nothing left to copy, but what the stream holds of it is kept.
            console.Warning($"{name} was published and is gone from publication {publication} (dropped?) before its snapshot; its streamed changes are kept in bronze.{fresh.BronzeName}, without a snapshot");
        }
        else if (isNew)
        {
            // A table added to the publication while streaming: snapshot it at a newer consistent point; its changes
            // older than that point (this transaction's among them) are in the snapshot and dropped from the stream.
            console.Info($"{name} joined publication {publication}; taking its snapshot.");
            await snapshotNewTable(fresh);
        }

        return fresh;
    }
}
