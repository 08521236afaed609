namespace Strata.Ingestion;

/// <summary>How <c>strata ingest</c> runs.</summary>
public sealed record IngestOptions
{
    /// <summary>Catch up to the WAL position current at start, then stop.</summary>
    public bool Once { get; init; }

    /// <summary>Tables to take a fresh snapshot of before streaming (<c>schema.table</c>); empty = none; null entries mean all.</summary>
    public IReadOnlyList<string>? Resync { get; init; }

    /// <summary>A batch is written when it holds this many changes…</summary>
    public int BatchSize { get; init; } = 10_000;

    /// <summary>…or when its oldest change is this old.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(200);
}
