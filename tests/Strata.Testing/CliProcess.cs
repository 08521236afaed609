using System.Diagnostics;

namespace Strata.Testing;

/// <summary>The <c>strata</c> command as a child process, for tests that kill it or signal it.</summary>
public static class CliProcess
{
    private static readonly System.Collections.Concurrent.ConcurrentBag<Process> Started = [];

    static CliProcess()
    {
        // A test that fails before it stops its child must not leave a `strata up` (and its workload) running on
        // the machine after the test run: every child still alive when the test process ends is killed.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillSurvivors();
    }

    /// <summary>Kills every child this process started that still runs.</summary>
    public static void KillSurvivors()
    {
        foreach (var process in Started)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // disposed or never started
            }
        }
    }

    /// <summary>Starts <c>strata</c> with <paramref name="args"/> in the project's folder and environment.</summary>
    /// <param name="project">The project.</param>
    /// <param name="output">Receives every line the process prints (stdout and stderr).</param>
    /// <param name="args">The command line.</param>
    public static Process Start(TestProject project, System.Collections.Concurrent.ConcurrentQueue<string> output, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(output);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = project.Directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(CliAssembly);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Clear();
        foreach (var (key, value) in project.Environment)
        {
            info.Environment[key] = value;
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(info)!;
        Started.Add(process);
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The CLI's assembly built beside the tests (same configuration).</summary>
    public static string CliAssembly
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var framework = testOutput.Name;
            var configuration = testOutput.Parent!.Name;
            var root = testOutput;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Strata.slnx")))
            {
                root = root.Parent;
            }

            var path = Path.Combine(root!.FullName, "src", "Strata.Cli", "bin", configuration, framework, "strata.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"build the CLI first: {path} is missing", path);
        }
    }
}
