using Strata.Configuration;

namespace Strata.Source;

/// <summary>Where the source database is and what Strata names inside it, from the effective configuration.</summary>
public sealed record SourceSettings
{
    /// <summary>Host of an existing server; null means the local development cluster.</summary>
    public string? Host { get; init; }

    /// <summary>Configured port, if any.</summary>
    public int? Port { get; init; }

    /// <summary>Administrative login.</summary>
    public required string User { get; init; }

    /// <summary>The business database.</summary>
    public required string Database { get; init; }

    /// <summary>Database used before the business database exists.</summary>
    public required string MaintenanceDatabase { get; init; }

    /// <summary>Schema of the business tables.</summary>
    public required string Schema { get; init; }

    /// <summary>Publication read by change data capture.</summary>
    public required string Publication { get; init; }

    /// <summary>Least-privilege replication login.</summary>
    public required string CdcUser { get; init; }

    /// <summary>Configured folder of the server programs, if any.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>Folder of the local cluster.</summary>
    public required string LocalDirectory { get; init; }

    /// <summary>OS user that runs the local server when Strata runs as root.</summary>
    public required string OsUser { get; init; }

    /// <summary>True when the source is the local development cluster.</summary>
    public bool IsLocal => Host is null;

    /// <summary>Reads the source settings out of a project's configuration.</summary>
    public static SourceSettings From(StrataConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new SourceSettings
        {
            Host = config.Text(Settings.SourceHost),
            Port = config.Integer(Settings.SourcePort),
            User = config.Text(Settings.SourceUser)!,
            Database = config.Text(Settings.SourceDatabase)!,
            MaintenanceDatabase = config.Text(Settings.SourceMaintenanceDatabase)!,
            Schema = config.Text(Settings.SourceSchema)!,
            Publication = config.Text(Settings.SourcePublication)!,
            CdcUser = config.Text(Settings.SourceCdcUser)!,
            BinDirectory = config.FullPath(Settings.LocalBinDir),
            LocalDirectory = config.FullPath(Settings.LocalDataDir)!,
            OsUser = config.Text(Settings.LocalOsUser)!,
        };
    }
}
