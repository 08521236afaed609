namespace Strata.Ingestion.Snapshot;

/// <summary>What a snapshot copied.</summary>
/// <param name="Rows">Rows copied by this run (not those an earlier, stopped copy committed).</param>
/// <param name="Stamps">The <c>_lsn</c> each table's snapshot rows carry, by bronze name.</param>
internal sealed record SnapshotResult(long Rows, IReadOnlyDictionary<string, ulong> Stamps);
