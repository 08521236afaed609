namespace Strata.Source.Diagnostics;

/// <summary>The state of the source, for <c>strata source status</c>.</summary>
public sealed record SourceStatus
{
    /// <summary>"local" or "external".</summary>
    public required string Kind { get; init; }

    /// <summary>True when the server answers.</summary>
    public required bool Running { get; init; }

    /// <summary><c>host:port</c>, or null when the local cluster has never been created.</summary>
    public string? Address { get; init; }

    /// <summary>The local cluster's data folder.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Server version.</summary>
    public string? ServerVersion { get; init; }

    /// <summary>The server's wal_level.</summary>
    public string? WalLevel { get; init; }

    /// <summary>The business database.</summary>
    public required string Database { get; init; }

    /// <summary>Rows per table of the business schema (missing tables are absent).</summary>
    public IReadOnlyDictionary<string, long> RowCounts { get; init; } = new Dictionary<string, long>();

    /// <summary>Why the server could not be asked, when it could not.</summary>
    public string? Problem { get; init; }
}
