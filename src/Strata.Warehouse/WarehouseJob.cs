namespace Strata.Warehouse;

/// <summary>
/// The Strata job the current code runs for (<c>ingestion</c>, <c>transform</c>, <c>report:daily</c>, a CLI command…),
/// carried along the async flow so that one shared warehouse handle can say, per statement, whom it runs for. A warehouse
/// that can label its statements does (Snowflake's <c>QUERY_TAG</c>, found again in QUERY_HISTORY); the others ignore it.
/// </summary>
public static class WarehouseJob
{
    /// <summary>Longest name kept: QUERY_TAG holds 2,000 characters, and a label is for reading, not for arguments.</summary>
    private const int MaxLength = 200;

    private static readonly AsyncLocal<string?> Current_ = new();

    /// <summary>The job of the current async flow, or null outside every job.</summary>
    public static string? Current => Current_.Value;

    /// <summary>Runs what follows, until the result is disposed, as <paramref name="job"/>; the previous job comes back after.</summary>
    public static IDisposable Begin(string job)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(job);
        var previous = Current_.Value;
        Current_.Value = Clean(job);
        return new Restore(previous);
    }

    /// <summary>One line of printable characters, bounded: a label, whatever the command line held.</summary>
    private static string Clean(string job)
    {
        var line = new string(job.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return line.Length <= MaxLength ? line : line[..MaxLength];
    }

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => Current_.Value = previous;
    }
}
