namespace Strata.Ingestion;

/// <summary>What one ingestion run did.</summary>
/// <param name="SnapshotRows">Rows copied by a snapshot in this run.</param>
/// <param name="Changes">Streamed changes written to bronze.</param>
/// <param name="Transactions">Source transactions written.</param>
/// <param name="ConfirmedLsn">The checkpoint at the end, as PostgreSQL prints LSNs.</param>
public sealed record IngestResult(long SnapshotRows, long Changes, long Transactions, string ConfirmedLsn);
