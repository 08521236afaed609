namespace Strata.Ingestion.Streaming;

/// <summary>A transaction the server streams while it runs (pgoutput v2): its changes so far, on disk.</summary>
internal sealed class StreamedTransaction(SpillFile spill)
{
    /// <summary>The LSN its changes carry until the commit says theirs; no checkpoint or resync point is ever above it.</summary>
    public const ulong Uncommitted = ulong.MaxValue;

    public SpillFile Spill { get; } = spill;

    /// <summary>Numbers its changes in source order across its blocks.</summary>
    public int Sequence { get; set; }

    /// <summary>The (sub)transaction of the change being read.</summary>
    public uint Subtransaction { get; set; }
}
