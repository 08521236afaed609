using Strata.Errors;

namespace Strata.Source.Local;

/// <summary>A PostgreSQL cluster Strata creates and runs itself on a loopback port, with <c>wal_level=logical</c>.</summary>
/// <remarks>
/// <c>initdb</c> and <c>pg_ctl</c> refuse to run as root, so as root every server program runs as
/// <see cref="OsUser"/> and the folders it writes are handed to that user. When that user cannot reach the
/// cluster's folder (a project under <c>/root</c>, say), the data goes to <c>/var/lib/strata/clusters/…</c>
/// instead and <c>cluster.json</c> remembers where.
/// </remarks>
public sealed class LocalCluster
{
    private readonly string? _configuredBinDirectory;
    private string? _dataRoot;

    /// <summary>Describes the cluster in <paramref name="directory"/> (which need not exist yet).</summary>
    public LocalCluster(string directory, string? configuredBinDirectory = null, string osUser = "postgres")
    {
        Directory = Path.GetFullPath(directory);
        _configuredBinDirectory = configuredBinDirectory;
        OsUser = osUser;
    }

    /// <summary>The cluster's folder (holds <c>data/</c>, <c>log/</c> and <c>cluster.json</c>).</summary>
    public string Directory { get; }

    /// <summary>The unprivileged OS user that runs the server when Strata runs as root.</summary>
    public string OsUser { get; }

    /// <summary>PostgreSQL's data folder.</summary>
    public string DataDirectory => Path.Combine(DataRoot, "data");

    /// <summary>The server log.</summary>
    public string LogFile => Path.Combine(DataRoot, "log", "postgresql.log");

    private string DataRoot => _dataRoot ?? State?.DataRoot ?? Directory;

    /// <summary>What Strata remembers about the cluster, or null before it is created.</summary>
    public ClusterState? State => ClusterState.Read(StateFile);

    /// <summary>True once <c>initdb</c> has run.</summary>
    public bool Exists => File.Exists(Path.Combine(DataDirectory, "PG_VERSION")) && State is not null;

    private string StateFile => Path.Combine(Directory, "cluster.json");

    private string? RunAs => ProcessRunner.IsRoot ? OsUser : null;

    /// <summary>Creates the cluster unless it exists. Returns false when there was nothing to do.</summary>
    /// <param name="superuser">Name of the superuser role.</param>
    /// <param name="password">Its password (scram-sha-256 on loopback TCP).</param>
    /// <param name="port">The port to remember; 0 picks a free one.</param>
    /// <param name="extraSettings">More <c>postgresql.conf</c> lines (tests trade durability for speed).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public async Task<bool> CreateAsync(
        string superuser,
        string password,
        int port = 0,
        IReadOnlyDictionary<string, string>? extraSettings = null,
        CancellationToken cancellationToken = default)
    {
        if (Exists)
        {
            return false;
        }

        var binaries = await PostgresBinaries.FindAsync(_configuredBinDirectory, cancellationToken);
        if (System.IO.Directory.Exists(DataDirectory) && System.IO.Directory.EnumerateFileSystemEntries(DataDirectory).Any())
        {
            throw new SourceException(
                $"{DataDirectory} holds files but no cluster Strata knows; move it away or run `strata source down --purge`");
        }

        // The project's state folder (.strata) is its owner's alone; when Strata runs as root, the server's user
        // then cannot enter it and the data goes to /var/lib/strata/clusters instead.
        Files.OwnerOnly.CreateDirectory(Path.GetDirectoryName(Directory)!);
        _dataRoot = await ChooseDataRootAsync(cancellationToken);
        await PrepareDirectoriesAsync(cancellationToken);
        var passwordFile = Path.Combine(DataRoot, "log", ".pwfile");
        // Owner-only, and removed once initdb has read it.
        Files.OwnerOnly.WriteAllText(passwordFile, password + "\n");
        try
        {
            await HandOverAsync(passwordFile, cancellationToken);
            var result = await ProcessRunner.RunAsync(
                binaries.Program("initdb"),
                ["-D", DataDirectory, "-U", superuser, $"--pwfile={passwordFile}", "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"],
                RunAs,
                DataRoot,
                TimeSpan.FromMinutes(3),
                cancellationToken);
            if (result.ExitCode != 0)
            {
                throw new SourceException($"initdb failed for {DataDirectory}: {LastMeaningfulLine(result.Error, result.Output)}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }

        var settings = new Dictionary<string, string>
        {
            ["listen_addresses"] = "'127.0.0.1'",
            // No Unix socket: its path would be limited to ~100 bytes, and TCP on loopback is all we use.
            ["unix_socket_directories"] = "''",
            ["wal_level"] = "logical",
            ["max_replication_slots"] = "20",
            ["max_wal_senders"] = "20",
            ["max_connections"] = "100",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var lines = settings.Select(s => $"{s.Key} = {s.Value}");
        await File.AppendAllLinesAsync(Path.Combine(DataDirectory, "postgresql.conf"), ["", "# Strata", .. lines], cancellationToken);
        System.IO.Directory.CreateDirectory(Directory);
        new ClusterState(port == 0 ? FreePort.Find() : port, binaries.Directory, binaries.Version, RunAs, _dataRoot == Directory ? null : _dataRoot)
            .Write(StateFile);
        return true;
    }

    /// <summary>Starts the server unless it runs. Returns false when it was already running.</summary>
    /// <param name="port">A new port to remember first (0 picks a free one), or null to keep the remembered one.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public async Task<bool> StartAsync(int? port = null, CancellationToken cancellationToken = default)
    {
        var state = State ?? throw new SourceException($"no local source cluster in {Directory}; create it with `strata source up`");
        if (await IsRunningAsync(cancellationToken))
        {
            if (port is not null && port != 0 && port != state.Port)
            {
                throw new UsageException($"the local source already runs on port {state.Port}; stop it with `strata source down` before changing the port");
            }

            return false;
        }

        if (port is not null)
        {
            state = state with { Port = port == 0 ? FreePort.Find() : port.Value };
            state.Write(StateFile);
        }

        if (FreePort.IsTaken(state.Port))
        {
            throw new SourceException(
                $"port {state.Port}, remembered for the local source in {StateFile}, is taken by another program; " +
                "stop that program, or run `strata source up --port 0` to move the source to a free port");
        }

        await PrepareDirectoriesAsync(cancellationToken);
        var result = await ProcessRunner.RunAsync(
            Path.Combine(state.BinDirectory, "pg_ctl"),
            ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", $"-p {state.Port}", "start"],
            RunAs,
            DataRoot,
            TimeSpan.FromSeconds(90),
            cancellationToken);
        if (result.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile, cancellationToken) : "";
            throw new SourceException(
                $"the local source did not start on 127.0.0.1:{state.Port}: {LastMeaningfulLine(result.Error, log)}; the full log is {LogFile}");
        }

        return true;
    }

    /// <summary>True when the server of this cluster is running.</summary>
    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken = default)
    {
        if (State is not { } state || !File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            return false;
        }

        var result = await ProcessRunner.RunAsync(
            Path.Combine(state.BinDirectory, "pg_ctl"), ["-D", DataDirectory, "status"], RunAs, DataRoot, cancellationToken: cancellationToken);
        return result.ExitCode == 0;
    }

    /// <summary>Stops the server (fast shutdown). Returns false when it was not running.</summary>
    public async Task<bool> StopAsync(CancellationToken cancellationToken = default)
    {
        if (!await IsRunningAsync(cancellationToken))
        {
            return false;
        }

        var result = await ProcessRunner.RunAsync(
            Path.Combine(State!.BinDirectory, "pg_ctl"),
            ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"],
            RunAs,
            DataRoot,
            TimeSpan.FromSeconds(90),
            cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new SourceException($"the local source did not stop: {LastMeaningfulLine(result.Error, result.Output)}; see {LogFile}");
        }

        return true;
    }

    /// <summary>Deletes the cluster's folder and everything in it (the server must be stopped).</summary>
    public void Purge()
    {
        if (DataRoot != Directory && System.IO.Directory.Exists(DataRoot))
        {
            System.IO.Directory.Delete(DataRoot, recursive: true);
        }

        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private async Task<string> ChooseDataRootAsync(CancellationToken cancellationToken)
    {
        if (RunAs is not { } user)
        {
            return Directory;
        }

        var parent = Path.GetDirectoryName(Directory)!;
        System.IO.Directory.CreateDirectory(parent);
        var reach = await ProcessRunner.RunAsync("test", ["-x", parent], user, "/", cancellationToken: cancellationToken);
        if (reach.ExitCode == 0)
        {
            return Directory;
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Directory)))[..16];
        return Path.Combine("/var/lib/strata/clusters", hash);
    }

    private async Task PrepareDirectoriesAsync(CancellationToken cancellationToken)
    {
        try
        {
            System.IO.Directory.CreateDirectory(DataDirectory);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
            if (!OperatingSystem.IsWindows())
            {
                // PostgreSQL insists on a data folder only its owner can enter.
                File.SetUnixFileMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SourceException($"cannot create {Directory}: {ex.Message}; make the project folder writable or set source.local.dir", ex);
        }

        await HandOverAsync(DataDirectory, cancellationToken);
        await HandOverAsync(Path.GetDirectoryName(LogFile)!, cancellationToken);
    }

    private async Task HandOverAsync(string path, CancellationToken cancellationToken)
    {
        if (RunAs is not { } user)
        {
            return;
        }

        var chown = await ProcessRunner.RunAsync("chown", ["-R", $"{user}:", path], cancellationToken: cancellationToken);
        if (chown.ExitCode != 0)
        {
            throw new SourceException(
                $"running as root, the server must run as OS user '{user}', but {path} could not be given to it ({LastMeaningfulLine(chown.Error)}); " +
                "create the user (`useradd --system postgres`) or set source.local.os_user");
        }

        var reach = await ProcessRunner.RunAsync("test", ["-w", path], user, "/", cancellationToken: cancellationToken);
        if (reach.ExitCode != 0)
        {
            throw new SourceException(
                $"running as root, the server runs as OS user '{user}', which cannot reach {path}; " +
                "let it traverse the parent folders (e.g. `chmod o+x` on them) or set source.local.dir to a folder under /tmp or /var/lib");
        }
    }

    /// <summary>
    /// The line of a PostgreSQL program's output that says what went wrong: its last error (<c>FATAL</c>, <c>ERROR</c>,
    /// <c>initdb: error:</c>) in any of <paramref name="texts"/>, else the last line that is not a hint, looking at the
    /// first text (stderr) before the others — progress lines on stdout never stand in for the error.
    /// </summary>
    internal static string LastMeaningfulLine(params string[] texts)
    {
        var lines = texts.Select(t => t.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        static bool IsError(string line) =>
            line.Contains("FATAL", StringComparison.Ordinal) || line.Contains("ERROR", StringComparison.Ordinal) || line.Contains(": error:", StringComparison.Ordinal);
        static bool IsHint(string line) => line.StartsWith("HINT", StringComparison.Ordinal) || line.Contains(": hint:", StringComparison.Ordinal);
        return lines.Select(l => l.LastOrDefault(IsError)).FirstOrDefault(l => l is not null)
            ?? lines.Select(l => l.LastOrDefault(line => !IsHint(line))).FirstOrDefault(l => l is not null)
            ?? "no output";
    }
}
