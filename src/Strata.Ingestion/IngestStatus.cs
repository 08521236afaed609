using Strata.Ingestion.Bronze;

namespace Strata.Ingestion;

/// <summary>The state of ingestion, for <c>strata ingest status</c>.</summary>
public sealed record IngestStatus
{
    /// <summary>Pipeline name.</summary>
    public required string Pipeline { get; init; }

    /// <summary>Slot name.</summary>
    public required string Slot { get; init; }

    /// <summary>"active", "inactive", "missing" or "lost".</summary>
    public required string SlotState { get; init; }

    /// <summary>The LSN the server has been told is safe (its <c>confirmed_flush_lsn</c>).</summary>
    public string? ConfirmedLsn { get; init; }

    /// <summary>The last source commit LSN in bronze.</summary>
    public string? CheckpointLsn { get; init; }

    /// <summary>WAL the server keeps for the slot: current position − confirmed position.</summary>
    public long? LagBytes { get; init; }

    /// <summary>Now − commit time of the newest change in bronze.</summary>
    public double? LagSeconds { get; init; }

    /// <summary>Tables whose changes are held in the dead-letter table until they are resynced.</summary>
    public IReadOnlyList<QuarantinedTable> Quarantined { get; init; } = [];

    /// <summary>Per bronze table: rows and newest change.</summary>
    public IReadOnlyList<BronzeTableStatus> Tables { get; init; } = [];
}

/// <summary>One bronze table's size and freshness.</summary>
/// <param name="Table">Bronze table name.</param>
/// <param name="Rows">Rows (all versions).</param>
/// <param name="LastChange">Commit time of its newest change, if any.</param>
/// <param name="Snapshot">
/// <c>done</c> once a snapshot of it is committed; <c>pending</c> when none is yet (not taken, or it failed: the next run
/// takes it); <c>quarantined</c> while its changes are held in the dead-letter table.
/// </param>
public sealed record BronzeTableStatus(string Table, long Rows, DateTime? LastChange, string Snapshot);
