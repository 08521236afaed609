using System.Collections;

namespace Strata.Cli.Infrastructure;

/// <summary>What a CLI run sees of the world: environment, working folder and output streams.</summary>
/// <remarks>Passed in rather than read from statics so that tests run many CLI invocations in one process.</remarks>
public sealed class CliRuntime
{
    /// <summary>Creates a runtime.</summary>
    public CliRuntime(IReadOnlyDictionary<string, string> environment, string workingDirectory, TextWriter output, TextWriter error, bool isTerminal)
    {
        Environment = environment;
        WorkingDirectory = workingDirectory;
        Output = output;
        Error = error;
        IsTerminal = isTerminal;
    }

    /// <summary>Environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The folder relative paths start from.</summary>
    public string WorkingDirectory { get; }

    /// <summary>Standard output.</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>True when output goes to a terminal and <c>CI</c> is not set: rich output.</summary>
    public bool IsTerminal { get; }

    /// <summary>A terminal to use instead of the process's own (tests drive interactive prompts through it).</summary>
    public Spectre.Console.IAnsiConsole? Terminal { get; init; }

    /// <summary>The runtime of this process.</summary>
    public static CliRuntime FromProcess()
    {
        var environment = System.Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        var isTerminal = !Console.IsOutputRedirected && !environment.ContainsKey("CI");
        return new CliRuntime(environment, System.Environment.CurrentDirectory, Console.Out, Console.Error, isTerminal);
    }
}
