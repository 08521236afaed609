namespace Strata.Ingestion;

/// <summary>How <c>strata ingest</c> runs.</summary>
public sealed record IngestOptions
{
    /// <summary>Catch up to the WAL position current at start, then stop.</summary>
    public bool Once { get; init; }

    /// <summary>Tables to take a fresh snapshot of before streaming (<c>schema.table</c>); empty = none; null entries mean all.</summary>
    public IReadOnlyList<string>? Resync { get; init; }

    /// <summary>Take the replication slot over from the warehouse that owns it (that warehouse then misses every later change).</summary>
    public bool TakeOverSlot { get; init; }

    /// <summary>Tables copied at once by a snapshot (on engines that take parallel writers).</summary>
    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// A batch is written as soon as the stream has nothing more waiting; under continuous load, once it holds this
    /// many changes…
    /// </summary>
    public int BatchSize { get; init; } = 10_000;

    /// <summary>…or its oldest change is this old.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Ask the server to stream large transactions while they run (pgoutput v2, PostgreSQL 14+), so that at their
    /// commit only the tail is left to receive; off (the default: it measured slower, docs/benchmarks.md), or on older
    /// servers, they arrive after their commit (v1).
    /// </summary>
    public bool StreamInProgress { get; init; }

    /// <summary>
    /// Ask for binary values (PostgreSQL 14+) when every published table has readers for them; otherwise (the
    /// default: binary measured no faster, docs/benchmarks.md), or once the stream meets what only text carries, text.
    /// </summary>
    public bool BinaryValues { get; init; }

    /// <summary>Changes of one source transaction held in memory before the rest go to a spill file.</summary>
    public int SpillAfter { get; init; } = 100_000;

    /// <summary>Called after each warehouse commit of streamed changes: what it held (the host rebuilds downstream of its tables).</summary>
    public Action<BronzeCommit>? OnCommitted { get; init; }

    /// <summary>Called when bronze holds the snapshot (taken now or earlier) and streaming starts: what the host's reconcile and tests wait for.</summary>
    public Action? OnStreaming { get; init; }

    /// <summary>Called when the stream's heartbeat comes back from the source while streaming: the stream is alive even when nothing changes.</summary>
    public Action? OnAlive { get; init; }

    /// <summary>Told why, each time a lost connection is retried: ingestion is not streaming until <see cref="OnStreaming"/> again.</summary>
    public Action<string>? OnRetrying { get; init; }

    /// <summary>Told the quarantined source tables at the start of a run and whenever that set changes (see docs/ingestion.md).</summary>
    public Action<IReadOnlyList<string>>? OnQuarantine { get; init; }

    /// <summary>Idle time after which a heartbeat lets the slot advance.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Waited after every 1,000 rows a snapshot copies: zero, except where a test needs a snapshot that lasts seconds.</summary>
    public TimeSpan SnapshotPause { get; init; }

    /// <summary>
    /// Rows per block range of a table's snapshot (PostgreSQL 14+, on a warehouse without a transaction bound): each
    /// range commits with its record, so a stopped snapshot goes on at the ranges in flight; 0 copies each table whole.
    /// </summary>
    public long SnapshotRangeRows { get; init; } = 1_000_000;

    /// <summary>The options the project's configuration asks for.</summary>
    public static IngestOptions From(Strata.Configuration.StrataConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new IngestOptions
        {
            BatchSize = config.Integer(Strata.Configuration.Settings.IngestBatchSize) ?? 10_000,
            FlushInterval = TimeSpan.FromMilliseconds(config.Integer(Strata.Configuration.Settings.IngestFlushMilliseconds) ?? 200),
            SpillAfter = config.Integer(Strata.Configuration.Settings.IngestSpillAfter) ?? 100_000,
            StreamInProgress = config.Text(Strata.Configuration.Settings.IngestStreamInProgress) == "true",
            BinaryValues = config.Text(Strata.Configuration.Settings.IngestBinary) == "true",
            HeartbeatInterval = TimeSpan.FromMilliseconds(config.Integer(Strata.Configuration.Settings.IngestHeartbeatMilliseconds) ?? 10_000),
            SnapshotPause = TimeSpan.FromMilliseconds(config.Integer(Strata.Configuration.Settings.IngestSnapshotPauseMilliseconds) ?? 0),
            SnapshotRangeRows = config.Integer(Strata.Configuration.Settings.IngestSnapshotRangeRows) ?? 1_000_000,
        };
    }
}

/// <summary>One warehouse commit of streamed changes.</summary>
/// <param name="CommitTimes">The source commit time (UTC) of every transaction it held.</param>
/// <param name="CommittedAt">When the warehouse committed it (UTC).</param>
/// <param name="Changes">Changes written to bronze.</param>
/// <param name="Tables">The bronze tables written to (<c>operations__orders</c>).</param>
/// <param name="Checkpoint">The checkpoint the commit moved bronze to (the last source commit LSN in it).</param>
public sealed record BronzeCommit(IReadOnlyList<DateTime> CommitTimes, DateTime CommittedAt, long Changes, IReadOnlyCollection<string> Tables, ulong Checkpoint = 0);
