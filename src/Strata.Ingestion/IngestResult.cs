namespace Strata.Ingestion;

/// <summary>What one ingestion run did.</summary>
/// <param name="SnapshotRows">Rows copied by a snapshot in this run.</param>
/// <param name="Changes">Streamed changes written to bronze.</param>
/// <param name="Transactions">Source transactions written.</param>
/// <param name="ConfirmedLsn">The checkpoint at the end, as PostgreSQL prints LSNs.</param>
/// <param name="Quarantined">Source tables (<c>schema.table</c>) whose changes are held in the dead-letter table at the end.</param>
public sealed record IngestResult(long SnapshotRows, long Changes, long Transactions, string ConfirmedLsn, IReadOnlyList<string> Quarantined);
