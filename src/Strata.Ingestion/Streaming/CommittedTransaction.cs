namespace Strata.Ingestion.Streaming;

/// <summary>A source transaction read completely from the stream.</summary>
/// <param name="CommitLsn">LSN of its commit record: the <c>_lsn</c> of its changes and the checkpoint once written.</param>
/// <param name="EndLsn">LSN just past its commit: what is acknowledged to the server.</param>
/// <param name="CommitTime">Commit time (UTC).</param>
/// <param name="Changes">Its changes on published tables, in order (none when they are in <paramref name="Spill"/>).</param>
/// <param name="Spill">Where its changes are when there were too many to hold in memory.</param>
/// <param name="TransactionId">Source transaction id.</param>
/// <remarks>A heartbeat is a transaction with commit LSN 0 and no changes: its end LSN is safe to acknowledge.</remarks>
internal sealed record CommittedTransaction(
    ulong CommitLsn, ulong EndLsn, DateTime CommitTime, IReadOnlyList<Change> Changes, SpillFile? Spill = null, long? TransactionId = null)
{
    public bool IsHeartbeat => CommitLsn == 0;
}
