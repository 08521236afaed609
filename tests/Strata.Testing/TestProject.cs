using System.Runtime.CompilerServices;
using Strata.Cli;
using Strata.Cli.Infrastructure;

namespace Strata.Testing;

/// <summary>
/// A temporary Strata project folder with its own environment, whose source is a database of its own on the
/// shared test server (names derived from the test class, so classes run in parallel without meeting).
/// </summary>
public sealed class TestProject : IDisposable
{
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    private TestProject(string directory) => Directory = directory;

    /// <summary>The project folder.</summary>
    public string Directory { get; }

    /// <summary>The environment the CLI sees (no variables of this process leak in, except PATH and HOME).</summary>
    public IDictionary<string, string> Environment => _environment;

    /// <summary>The source database's name on the shared server.</summary>
    public string Database { get; private set; } = "finance_db";

    /// <summary>The CDC login's name.</summary>
    public string CdcUser { get; private set; } = "strata_cdc";

    /// <summary>The project's configuration as the CLI would load it.</summary>
    public Strata.Configuration.StrataConfig LoadConfig() =>
        Strata.Configuration.ConfigLoader.Load(Directory, _environment, Directory);

    /// <summary>The phase the project's ingestion pipeline last recorded (<c>.strata/ingest/&lt;pipeline&gt;.json</c>), or null.</summary>
    public Strata.Ingestion.Progress.IngestPhase? ReadIngestPhase()
    {
        var config = LoadConfig();
        return Strata.Ingestion.Progress.IngestPhaseFile.Read(
            Strata.Ingestion.Progress.IngestPhaseFile.PathOf(config.StateDirectory, config.Text(Strata.Configuration.Settings.IngestPipeline)!));
    }

    /// <summary>Waits until a process (<paramref name="processId"/>; this one for an in-process run) records <paramref name="stage"/>.</summary>
    public Task<Strata.Ingestion.Progress.IngestPhase> WaitForIngestAsync(Strata.Ingestion.Progress.IngestStage stage, int processId, TimeSpan timeout) =>
        Eventually.ValueAsync(
            () => ReadIngestPhase() is { } phase && phase.ProcessId == processId && phase.Stage == stage ? phase : null,
            timeout,
            $"ingestion (pid {processId}) to record stage {stage} in its phase file");

    /// <summary>An empty project with no source configured (the local-cluster defaults).</summary>
    public static TestProject Empty([CallerMemberName] string name = "")
    {
        var directory = Path.Combine(Path.GetTempPath(), "strata-test-projects", $"{name}-{Guid.NewGuid().ToString("N")[..8]}");
        System.IO.Directory.CreateDirectory(directory);
        var project = new TestProject(directory);
        foreach (var variable in new[] { "PATH", "HOME" })
        {
            if (System.Environment.GetEnvironmentVariable(variable) is { } value)
            {
                project._environment[variable] = value;
            }
        }

        return project;
    }

    /// <summary>A project whose source is database <c>t_&lt;key&gt;</c> on the shared server, reached as its superuser.</summary>
    /// <param name="server">The shared server.</param>
    /// <param name="key">A short name unique to the test class (letters, digits, underscores).</param>
    public static TestProject OnSharedServer(PostgresServer server, string key)
    {
        ArgumentNullException.ThrowIfNull(server);
        var project = Empty(key);
        project.Database = $"t_{key}".ToLowerInvariant();
        project.CdcUser = $"cdc_{key}".ToLowerInvariant();
        project._environment["STRATA_SOURCE_HOST"] = "127.0.0.1";
        project._environment["STRATA_SOURCE_PORT"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        project._environment["STRATA_SOURCE_USER"] = PostgresServer.Superuser;
        project._environment["STRATA_SOURCE_PASSWORD"] = server.Password;
        project._environment["STRATA_SOURCE_DATABASE"] = project.Database;
        project._environment["STRATA_SOURCE_CDC_USER"] = project.CdcUser;
        project._environment["STRATA_SOURCE_PUBLICATION"] = $"pub_{key}".ToLowerInvariant();
        return project;
    }

    /// <summary>Writes <c>strata.yml</c>.</summary>
    public void WriteConfig(string yaml) => File.WriteAllText(Path.Combine(Directory, "strata.yml"), yaml);

    /// <summary>Runs <c>strata</c> in this process with this project's folder and environment.</summary>
    public async Task<CliResult> RunAsync(params string[] args) => await RunAsync(CancellationToken.None, args);

    /// <summary>Runs <c>strata</c> in this process, cancellable as Ctrl+C would.</summary>
    public async Task<CliResult> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var runtime = new CliRuntime(_environment, Directory, TextWriter.Synchronized(output), TextWriter.Synchronized(error), isTerminal: false);
        var exitCode = await StrataApp.RunAsync(args, runtime, cancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>strata</c> as on an interactive terminal: <paramref name="terminal"/> takes the rich output and supplies the keys.</summary>
    public async Task<CliResult> RunInTerminalAsync(Spectre.Console.IAnsiConsole terminal, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var runtime = new CliRuntime(_environment, Directory, TextWriter.Synchronized(output), TextWriter.Synchronized(error), isTerminal: true) { Terminal = terminal };
        var exitCode = await StrataApp.RunAsync(args, runtime, CancellationToken.None);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A server still shutting down may hold files for a moment; the temp folder is cleaned eventually.
        }
    }
}
