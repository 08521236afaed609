using System.Collections.Concurrent;

namespace Strata.Host;

/// <summary>What the host knows about itself right now: for the dashboard, <c>/readyz</c>, metrics and status lines.</summary>
/// <param name="clock">The clock of heartbeats; null means the system clock.</param>
public sealed class PlatformState(TimeProvider? clock = null)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _milestones = new(StringComparer.Ordinal);

    /// <summary>The clock the host's state is read by.</summary>
    public TimeProvider Clock { get; } = clock ?? TimeProvider.System;

    /// <summary>Each worker's state machine and heartbeat.</summary>
    public WorkerStates Workers { get; } = new(clock ?? TimeProvider.System);

    /// <summary>Commit time of the newest source change in each changelog model after its last run.</summary>
    public ConcurrentDictionary<string, DateTime> NewestCommit { get; } = new(StringComparer.Ordinal);

    /// <summary>What each model's rows are as of (moved only by successful builds), after the last transformation run.</summary>
    public IReadOnlyDictionary<string, Transform.Execution.DataAsOf> AsOf { get; set; } = new Dictionary<string, Transform.Execution.DataAsOf>();

    /// <summary>The gold relations: models in the <c>gold</c> schema, or where a project has none, those nothing else reads.</summary>
    public IReadOnlyList<string> GoldRelations { get; set; } = [];

    /// <summary>Bronze commits since the host started, oldest first: the checkpoint each reached and the commit time of its oldest source transaction.</summary>
    public ConcurrentQueue<(ulong Checkpoint, DateTime OldestCommit)> BronzeCommits { get; } = new();

    /// <summary>
    /// Age of gold now: for the worst gold relation, <paramref name="now"/> − the source commit time of the oldest
    /// change bronze holds that the relation does not (past its as-of); 0 when gold holds everything bronze has, so an
    /// idle source does not age it. Null before any gold relation has been built.
    /// </summary>
    public double? GoldAgeSeconds(DateTime now)
    {
        var commits = BronzeCommits.ToArray();
        var ages = GoldRelations.Select(m => AgeSeconds(m, now, commits)).OfType<double>().ToList();
        return ages.Count == 0 ? null : ages.Max();
    }

    /// <summary>Age of every model with an as-of, measured as the age of gold is.</summary>
    public Dictionary<string, double> AgesSeconds(DateTime now)
    {
        var commits = BronzeCommits.ToArray();
        return AsOf.Keys.ToDictionary(m => m, m => AgeSeconds(m, now, commits) ?? 0, StringComparer.Ordinal);
    }

    /// <summary><paramref name="now"/> − the commit time of the oldest bronze change past the model's as-of; 0 when there is none.</summary>
    private double? AgeSeconds(string model, DateTime now, (ulong Checkpoint, DateTime OldestCommit)[] commits) =>
        AsOf.GetValueOrDefault(model) is not { } asOf ? null
        : commits.FirstOrDefault(c => (long)c.Checkpoint > asOf.Lsn) is { OldestCommit: var pending } && pending != default ? Math.Max(0, (now - pending).TotalSeconds)
        : 0;

    /// <summary>Forgets bronze commits every gold relation already holds.</summary>
    public void TrimBronzeCommits()
    {
        var built = GoldRelations.Select(m => AsOf.GetValueOrDefault(m)?.Lsn).OfType<long>().DefaultIfEmpty(long.MinValue).Min();
        while (BronzeCommits.TryPeek(out var first) && (long)first.Checkpoint <= built)
        {
            BronzeCommits.TryDequeue(out _);
        }
    }

    /// <summary>Age of gold past which the overview warns (<c>freshness.warn_after</c>).</summary>
    public TimeSpan WarnAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Age of gold past which the host is in error and not ready (<c>freshness.error_after</c>).</summary>
    public TimeSpan ErrorAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Why gold relations were not rebuilt by the last run that tried, or null when they were.</summary>
    public string? GoldProblem { get; set; }

    /// <summary>
    /// <c>ok</c>, <c>warn</c> or <c>error</c> by the age of gold against the thresholds — <c>error</c> too while
    /// ingestion has failed, at least <c>warn</c> while it is degraded (reconnecting: how far behind the source gold is
    /// cannot be known); <c>unknown</c> before gold is built.
    /// </summary>
    public string GoldStatus(DateTime now) => GoldAgeSeconds(now) switch
    {
        // Nothing new reaches bronze, so gold cannot age by it: a failed ingestion is an error of its own.
        _ when Workers["ingestion"] is { State: WorkerStatus.Failed } => "error",
        var age when age <= ErrorAfter.TotalSeconds && Workers["ingestion"] is { State: WorkerStatus.Degraded } => "warn",
        null => "unknown",
        var age when age > ErrorAfter.TotalSeconds => "error",
        var age when age > WarnAfter.TotalSeconds => "warn",
        _ => "ok",
    };

    /// <summary>WAL held by the slot past which replication lag is a problem (<c>alerts.replication_lag_mb</c>).</summary>
    public long ReplicationLagLimitBytes { get; set; } = 5000L * 1024 * 1024;

    /// <summary>The alerts firing, as of the last evaluation of the rules.</summary>
    public IReadOnlyList<Alerts.Alert> Alerts { get; set; } = [];

    /// <summary>Tests of severity error that failed in the run that last ran them: test → what fails.</summary>
    public ConcurrentDictionary<string, string> FailingTests { get; } = new(StringComparer.Ordinal);

    /// <summary>Report schedules whose last delivery failed after its retries: job → error.</summary>
    public ConcurrentDictionary<string, string> FailedDeliveries { get; } = new(StringComparer.Ordinal);

    /// <summary>Freshness samples of gold (seconds), newest last.</summary>
    public ConcurrentQueue<(DateTime At, double Seconds)> Freshness { get; } = new();

    /// <summary>
    /// Per source transaction: seconds from its commit at the source to the end of the transformation run that took
    /// it in, when it became visible in gold (the newest 100,000).
    /// </summary>
    public ConcurrentQueue<(DateTime At, double Seconds)> Visibility { get; } = new();

    /// <summary>Source commit times of transactions in bronze that no transformation run has taken in yet.</summary>
    public ConcurrentQueue<DateTime> Unpublished { get; } = new();

    /// <summary>Source tables whose changes ingestion holds in the dead-letter table until they are resynced.</summary>
    public IReadOnlyList<string> Quarantined { get; set; } = [];

    private readonly Lock _resyncLock = new();
    private IReadOnlyList<string>? _resync;

    /// <summary>Raised when a resync is asked for while the host runs (<see cref="RequestResync"/>).</summary>
    public event Action? ResyncRequested;

    /// <summary>
    /// Asks ingestion to take a fresh consistent snapshot of <paramref name="tables"/> (<c>schema.table</c>; empty =
    /// every table, and a lost or missing slot is created again) without stopping the host. Requests before ingestion
    /// takes them add up.
    /// </summary>
    public void RequestResync(IReadOnlyList<string> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        lock (_resyncLock)
        {
            _resync = _resync is null ? tables : _resync.Count == 0 || tables.Count == 0 ? [] : [.. _resync.Union(tables, StringComparer.Ordinal)];
        }

        ResyncRequested?.Invoke();
    }

    /// <summary>Takes the pending resync request, if any.</summary>
    public IReadOnlyList<string>? TakeResync()
    {
        lock (_resyncLock)
        {
            var taken = _resync;
            _resync = null;
            return taken;
        }
    }

    /// <summary>Transformation runs so far.</summary>
    public int Runs { get; set; }

    /// <summary>The newest transformation run that finished, or null before the first.</summary>
    public TransformRunInfo? LastRun { get; set; }

    /// <summary>The replication slot as last seen at the source, or null before the first look.</summary>
    public SlotLag? Slot { get; set; }

    /// <summary>Source commit → bronze commit of the newest batch, in seconds (its oldest transaction).</summary>
    public double? IngestLatencySeconds { get; private set; }

    /// <summary>Records a bronze commit.</summary>
    public void Ingested(Ingestion.BronzeCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        foreach (var time in commit.CommitTimes)
        {
            Unpublished.Enqueue(time);
        }

        if (commit.CommitTimes.Count > 0)
        {
            IngestLatencySeconds = Math.Max(0, (commit.CommittedAt - commit.CommitTimes.Min()).TotalSeconds);
            BronzeCommits.Enqueue((commit.Checkpoint, commit.CommitTimes.Min()));
        }
    }

    /// <summary>Samples the age of gold now (also between runs, so the chart shows it growing while gold is held back).</summary>
    public void SampleGoldAge(DateTime now)
    {
        if (GoldAgeSeconds(now) is { } age)
        {
            Keep(Freshness, (now, age));
        }
    }

    /// <summary>Adds a sample, keeping the newest <paramref name="limit"/>.</summary>
    public static void Keep(ConcurrentQueue<(DateTime At, double Seconds)> samples, (DateTime At, double Seconds) sample, int limit = 3600)
    {
        ArgumentNullException.ThrowIfNull(samples);
        samples.Enqueue(sample);
        while (samples.Count > limit)
        {
            samples.TryDequeue(out _);
        }
    }

    /// <summary>Completes when <paramref name="name"/> has happened (<c>ingestion</c>: bronze holds the snapshot, or ingestion gave up; <c>transformation</c>: the first run has finished).</summary>
    public Task Milestone(string name) => _milestones.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Marks <paramref name="name"/> as happened.</summary>
    public void Reached(string name) =>
        _milestones.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

/// <summary>The replication slot as the source reported it.</summary>
/// <param name="State"><c>active</c>, <c>inactive</c>, <c>missing</c>, <c>lost</c>, or <c>unreachable: …</c> when the source did not answer.</param>
/// <param name="LagBytes">WAL the source keeps for the slot (current position − confirmed position).</param>
/// <param name="LagSeconds">The latency of the newest bronze commit (source commit → bronze), measured, never forced to 0; null before the first.</param>
/// <param name="At">When it was read (UTC).</param>
public sealed record SlotLag(string State, long? LagBytes, double? LagSeconds, DateTime At);

/// <summary>A finished transformation run, as the status line shows it.</summary>
/// <param name="At">When it finished (UTC).</param>
/// <param name="Models">Models it built.</param>
/// <param name="Seconds">How long it took.</param>
/// <param name="Failed">Models and blocking tests that failed.</param>
public sealed record TransformRunInfo(DateTime At, int Models, double Seconds, int Failed);
