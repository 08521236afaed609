namespace Strata.Ingestion;

/// <summary>What one ingestion run did.</summary>
/// <param name="SnapshotRows">Rows copied by a snapshot in this run.</param>
/// <param name="Changes">Streamed changes written to bronze.</param>
/// <param name="Transactions">Source transactions written.</param>
/// <param name="ConfirmedLsn">The checkpoint at the end, as PostgreSQL prints LSNs.</param>
/// <param name="Quarantined">Source tables (<c>schema.table</c>) whose changes are held in the dead-letter table at the end.</param>
/// <param name="Values">How the stream carried values at the end: <c>binary</c> or <c>text</c> (docs/ingestion.md).</param>
public sealed record IngestResult(long SnapshotRows, long Changes, long Transactions, string ConfirmedLsn, IReadOnlyList<string> Quarantined, string Values = "text");
