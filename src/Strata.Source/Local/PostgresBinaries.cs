using System.Globalization;
using System.Text.RegularExpressions;
using Strata.Errors;

namespace Strata.Source.Local;

/// <summary>The PostgreSQL server programs on this machine (initdb, pg_ctl, postgres), version 15 or newer.</summary>
public sealed partial class PostgresBinaries
{
    /// <summary>The oldest major version Strata supports (logical replication of schemas in publications).</summary>
    public const int MinimumMajorVersion = 15;

    private PostgresBinaries(string directory, int majorVersion, string version)
    {
        Directory = directory;
        MajorVersion = majorVersion;
        Version = version;
    }

    /// <summary>The folder holding the programs.</summary>
    public string Directory { get; }

    /// <summary>Major version, e.g. 15.</summary>
    public int MajorVersion { get; }

    /// <summary>Full version text, e.g. 15.18.</summary>
    public string Version { get; }

    /// <summary>The full path of a program in <see cref="Directory"/>.</summary>
    public string Program(string name) => Path.Combine(Directory, name);

    /// <summary>Finds the programs: the configured folder, else <c>pg_config --bindir</c>, else the newest <c>/usr/lib/postgresql/*/bin</c>.</summary>
    /// <exception cref="MissingBinaryException">No usable server programs were found; the message gives the install command.</exception>
    public static Task<PostgresBinaries> FindAsync(string? configured, CancellationToken cancellationToken = default) =>
        FindAsync(configured, "pg_config", "/usr/lib/postgresql", cancellationToken);

    /// <summary>As <see cref="FindAsync(string?, CancellationToken)"/>, searching <paramref name="pgConfig"/> and <paramref name="packageRoot"/>.</summary>
    internal static async Task<PostgresBinaries> FindAsync(string? configured, string pgConfig, string packageRoot, CancellationToken cancellationToken)
    {
        if (configured is not null)
        {
            return await ProbeAsync(configured, cancellationToken)
                ?? throw new MissingBinaryException(
                    $"source.local.bin_dir is {configured}, which holds no PostgreSQL {MinimumMajorVersion}+ server (initdb, pg_ctl, postgres); " +
                    "fix the setting or remove it to search the usual places");
        }

        foreach (var candidate in await CandidatesAsync(pgConfig, packageRoot, cancellationToken))
        {
            if (await ProbeAsync(candidate, cancellationToken) is { } found)
            {
                return found;
            }
        }

        throw new MissingBinaryException(
            $"PostgreSQL {MinimumMajorVersion}+ server programs (initdb, pg_ctl) not found via pg_config --bindir or in /usr/lib/postgresql/*/bin; " +
            "install them with `sudo apt-get install -y postgresql` or set source.local.bin_dir");
    }

    private static async Task<List<string>> CandidatesAsync(string pgConfig, string packageRoot, CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        try
        {
            var result = await ProcessRunner.RunAsync(pgConfig, ["--bindir"], cancellationToken: cancellationToken);
            if (result.ExitCode == 0)
            {
                candidates.Add(result.Output.Trim());
            }
        }
        catch (MissingBinaryException)
        {
            // No pg_config on PATH: fall back to the Debian layout.
        }

        if (System.IO.Directory.Exists(packageRoot))
        {
            candidates.AddRange(System.IO.Directory.GetDirectories(packageRoot)
                .Select(d => (Directory: d, Major: int.TryParse(Path.GetFileName(d), NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) ? m : 0))
                .OrderByDescending(d => d.Major)
                .Select(d => Path.Combine(d.Directory, "bin")));
        }

        return candidates;
    }

    private static async Task<PostgresBinaries?> ProbeAsync(string directory, CancellationToken cancellationToken)
    {
        var postgres = Path.Combine(directory, "postgres");
        if (!File.Exists(Path.Combine(directory, "initdb")) || !File.Exists(Path.Combine(directory, "pg_ctl")) || !File.Exists(postgres))
        {
            return null;
        }

        var result = await ProcessRunner.RunAsync(postgres, ["--version"], cancellationToken: cancellationToken);
        var match = VersionPattern().Match(result.Output);
        if (result.ExitCode != 0 || !match.Success)
        {
            return null;
        }

        var major = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return major >= MinimumMajorVersion ? new PostgresBinaries(directory, major, match.Value) : null;
    }

    [GeneratedRegex(@"(\d+)\.\d+")]
    private static partial Regex VersionPattern();
}
