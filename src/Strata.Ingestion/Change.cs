using Strata.Ingestion.Catalog;

namespace Strata.Ingestion;

/// <summary>One row change as it lands in bronze.</summary>
/// <param name="Table">The source table.</param>
/// <param name="Operation"><c>r</c> snapshot read, <c>c</c> insert, <c>u</c> update, <c>d</c> delete, <c>t</c> truncate.</param>
/// <param name="Values">Values by source column name (absent = null).</param>
/// <param name="Lsn">Commit LSN of the source transaction (snapshot: the slot's consistent point).</param>
/// <param name="Sequence">Order inside the transaction.</param>
/// <param name="TransactionId">Source transaction id, when known.</param>
/// <param name="CommitTime">Source commit time (UTC).</param>
/// <remarks>
/// A change with an <see cref="Error"/> could not be converted: its <see cref="Values"/> are the source's text, and it
/// goes to the dead-letter table with its table quarantined, never to bronze.
/// </remarks>
public sealed record Change(
    SourceTable Table,
    char Operation,
    IReadOnlyDictionary<string, object?> Values,
    ulong Lsn,
    int Sequence,
    long? TransactionId,
    DateTime CommitTime)
{
    /// <summary>Why a value of this change cannot be landed, or null when it can.</summary>
    public string? Error { get; init; }
}
