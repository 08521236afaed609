using System.Collections.Concurrent;

namespace Strata.Host;

/// <summary>What the host knows about itself right now: for status lines, health, and later the dashboard.</summary>
public sealed class PlatformState
{
    /// <summary>Each worker's state (<c>running</c>, <c>failed: …</c>, <c>stopped</c>).</summary>
    public ConcurrentDictionary<string, string> Workers { get; } = new(StringComparer.Ordinal);

    /// <summary>Commit time of the newest source change in each changelog model after its last run.</summary>
    public ConcurrentDictionary<string, DateTime> NewestCommit { get; } = new(StringComparer.Ordinal);

    /// <summary>Freshness samples of gold (seconds), newest last.</summary>
    public ConcurrentQueue<(DateTime At, double Seconds)> Freshness { get; } = new();

    /// <summary>Transformation runs so far.</summary>
    public int Runs { get; set; }
}
