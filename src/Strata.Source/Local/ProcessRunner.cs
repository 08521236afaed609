using System.Diagnostics;
using Strata.Errors;

namespace Strata.Source.Local;

/// <summary>Runs a program to completion, optionally as another OS user, capturing its output.</summary>
internal static class ProcessRunner
{
    /// <summary>The result of one run.</summary>
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>What a child process may inherit of this one's environment.</summary>
    private static readonly string[] SafeVariables = ["PATH", "HOME", "TMPDIR", "TZ", "USER", "LOGNAME"];

    /// <summary>True when this process runs as root, where PostgreSQL's programs must run as an unprivileged user.</summary>
    public static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    /// <summary>Runs <paramref name="program"/>; when <paramref name="runAs"/> is set, through <c>runuser</c>.</summary>
    public static async Task<Result> RunAsync(
        string program,
        IEnumerable<string> arguments,
        string? runAs = null,
        string? workingDirectory = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        if (runAs is null)
        {
            info.FileName = program;
        }
        else
        {
            info.FileName = "runuser";
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(runAs);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // A scrubbed environment: no STRATA_* secret, PGPASSWORD or anything else of ours reaches the server's
        // processes (a superuser could read /proc/<postmaster>/environ with pg_read_binary_file).
        info.Environment.Clear();
        foreach (var name in SafeVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                info.Environment[name] = value;
            }
        }

        // Server programs print messages in the C locale so that what we show is predictable.
        info.Environment["LC_ALL"] = "C";
        info.Environment["LANG"] = "C";

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new MissingBinaryException($"cannot start {info.FileName}: {ex.Message}");
        }

        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new StrataException($"{Path.GetFileName(program)} did not finish within {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:0} s; see its log");
        }

        return new Result(process.ExitCode, await output, await error);
    }
}
