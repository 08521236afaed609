using System.Collections.Concurrent;

namespace Strata.Host;

/// <summary>
/// Each worker's state machine — <c>starting</c>, <c>healthy</c>, <c>degraded</c> (with a reason), <c>failed</c>
/// (with the error), <c>stopped</c> — set from what the worker last did, and a heartbeat: a healthy worker that has
/// not beaten within its expected silence reads as degraded, so a loop that hangs cannot stay green.
/// </summary>
public sealed class WorkerStates(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>
    /// The worker is starting: connecting, snapshotting, waiting for its first piece of work. A worker restarted after
    /// a failure stays failed ("…; retrying") until it is healthy again, so a failure does not blink green.
    /// </summary>
    public void Starting(string name, string? detail = null)
    {
        if (_entries.TryGetValue(name, out var entry) && entry.Status.State == WorkerStatus.Failed && entry.Error is { } error)
        {
            Set(name, WorkerStatus.Failed, $"{error}; retrying", error);
            return;
        }

        Set(name, WorkerStatus.Starting, detail);
    }

    /// <summary>A heartbeat: the worker did its work just now.</summary>
    public void Healthy(string name, string? detail = null) => Set(name, WorkerStatus.Healthy, detail);

    /// <summary>The worker runs but does not do all it should, for <paramref name="reason"/>.</summary>
    public void Degraded(string name, string reason) => Set(name, WorkerStatus.Degraded, reason);

    /// <summary>The worker's loop ended with <paramref name="error"/>; with <paramref name="restartIn"/>, it is started again after that wait.</summary>
    public void Failed(string name, string error, TimeSpan? restartIn = null) =>
        Set(name, WorkerStatus.Failed, restartIn is { } wait ? $"{error}; restarting in {wait.TotalSeconds:0} s" : error, error);

    /// <summary>The worker has ended: the host stops, or its work is done.</summary>
    public void Stopped(string name, string? detail = null) => Set(name, WorkerStatus.Stopped, detail);

    /// <summary>
    /// A healthy <paramref name="name"/> that does not beat for longer than <paramref name="maxSilence"/> reads as
    /// degraded: "no <paramref name="what"/> for N s (expected within M s)".
    /// </summary>
    public void Expect(string name, TimeSpan maxSilence, string what = "heartbeat") =>
        _entries.AddOrUpdate(name, _ => new Entry(new WorkerStatus(WorkerStatus.Starting, null, Now, null), maxSilence, what), (_, e) => e with { MaxSilence = maxSilence, What = what });

    /// <summary>One worker's state now (its silence taken into account), or null when it never reported.</summary>
    public WorkerStatus? this[string name] => _entries.TryGetValue(name, out var entry) ? View(entry, Now) : null;

    /// <summary>Every worker's state now, by name.</summary>
    public IReadOnlyDictionary<string, WorkerStatus> Read()
    {
        var now = Now;
        return _entries.OrderBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => View(e.Value, now), StringComparer.Ordinal);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static WorkerStatus View(Entry entry, DateTime now)
    {
        var status = entry.Status;
        if (status.State == WorkerStatus.Healthy && entry.MaxSilence is { } max && status.HeartbeatAt is { } beat && now - beat > max)
        {
            return status with
            {
                State = WorkerStatus.Degraded,
                Detail = $"no {entry.What} for {(now - beat).TotalSeconds:0} s (expected within {max.TotalSeconds:0} s)",
                Since = beat + max,
            };
        }

        return status;
    }

    /// <summary>Moves <paramref name="name"/> to <paramref name="state"/>; <paramref name="error"/> is the failure a restart keeps showing (null outside a failure).</summary>
    private void Set(string name, string state, string? detail, string? error = null)
    {
        var now = Now;
        _entries.AddOrUpdate(
            name,
            _ => new Entry(new WorkerStatus(state, detail, now, state == WorkerStatus.Healthy ? now : null), null, "heartbeat", error),
            (_, entry) => entry with
            {
                Error = error,
                Status = new WorkerStatus(
                    state,
                    detail,
                    entry.Status.State == state ? entry.Status.Since : now,
                    state == WorkerStatus.Healthy ? now : entry.Status.HeartbeatAt),
            });
    }

    private sealed record Entry(WorkerStatus Status, TimeSpan? MaxSilence, string What, string? Error = null);
}

/// <summary>A worker's state, what explains it, since when, and its last heartbeat.</summary>
/// <param name="State"><c>starting</c>, <c>healthy</c>, <c>degraded</c>, <c>failed</c> or <c>stopped</c>.</param>
/// <param name="Detail">Why it is degraded or failed, or what it is doing; null when there is nothing to say.</param>
/// <param name="Since">When it entered this state (UTC).</param>
/// <param name="HeartbeatAt">When it last did its work (UTC); null before it first did.</param>
public sealed record WorkerStatus(string State, string? Detail, DateTime Since, DateTime? HeartbeatAt)
{
    /// <summary>Connecting, snapshotting, waiting for its first piece of work.</summary>
    public const string Starting = "starting";

    /// <summary>Doing its work.</summary>
    public const string Healthy = "healthy";

    /// <summary>Running but not doing all it should.</summary>
    public const string Degraded = "degraded";

    /// <summary>Its loop ended with an error.</summary>
    public const string Failed = "failed";

    /// <summary>Ended.</summary>
    public const string Stopped = "stopped";

    /// <summary>Whether it stands in the way of readiness: starting, degraded or failed (stopped is the end of a bounded job or of the host).</summary>
    public bool IsProblem => State is Starting or Degraded or Failed;

    /// <summary>The state and its detail, as <c>strata status</c> and the banner say it.</summary>
    public override string ToString() => Detail is null ? State : $"{State}: {Detail}";
}
