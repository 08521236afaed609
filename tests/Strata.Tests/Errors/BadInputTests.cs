using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Strata.Testing;

namespace Strata.Tests.Errors;

/// <summary>
/// Every case of <see cref="BadInputCorpus"/> against the real binary: its exit code, one line (an error, or a
/// warning where Strata goes on), the what/where/what-to-do fragments, and no stack trace, library type name or secret.
/// </summary>
/// <remarks>
/// The even-numbered cases here, the odd ones in <see cref="MoreBadInputTests"/>: each case starts the binary, and two
/// classes run on both test threads instead of one.
/// </remarks>
public sealed partial class BadInputTests
{
    /// <summary>The names of the cases whose index leaves <paramref name="remainder"/> when divided by 2.</summary>
    public static TheoryData<string> Names(int remainder) => [.. BadInputCorpus.Cases.Where((_, i) => i % 2 == remainder).Select(c => c.Name)];

    [Fact]
    public void The_corpus_is_large_and_its_names_are_unique()
    {
        Assert.True(BadInputCorpus.Cases.Length >= 120, $"{BadInputCorpus.Cases.Length} cases");
        Assert.Equal(BadInputCorpus.Cases.Length, BadInputCorpus.Cases.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Names), 0)]
    public Task A_mistake_gets_one_clear_line(string name) => CheckAsync(name);

    /// <summary>Runs one case of the corpus and checks what it printed.</summary>
    internal static async Task CheckAsync(string name)
    {
        var input = BadInputCorpus.Cases.Single(c => c.Name == name);
        using var project = TestProject.Empty("corpus");
        var port = Strata.Source.Local.FreePort.Find().ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Fill(string text) => text.Replace("{port}", port, StringComparison.Ordinal).Replace("{dir}", project.Directory, StringComparison.Ordinal);
        foreach (var (path, text) in input.Files)
        {
            var file = Path.Combine(project.Directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, text);
        }

        foreach (var (key, value) in input.Environment)
        {
            project.Environment[key] = Fill(value);
        }

        var lines = new ConcurrentQueue<string>();
        using var process = CliProcess.Start(project, lines, [.. input.Args.Select(Fill)]);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{name}: still running after 60 s (a mistake should stop at once): {string.Join(" / ", lines)}");
        }
        var output = lines.Where(l => l.Length > 0).ToList();
        var all = string.Join("\n", output);

        Assert.True(process.ExitCode == input.ExitCode, $"{name}: exit {process.ExitCode}, wanted {input.ExitCode}:\n{all}");
        var prefix = input.ExitCode == 0 ? "warning: " : "error: ";
        var line = Assert.Single(output, l => l.StartsWith(prefix, StringComparison.Ordinal));
        if (input.ExitCode != 0)
        {
            Assert.True(output.Count(l => l.StartsWith("error: ", StringComparison.Ordinal) || l.StartsWith("warning: ", StringComparison.Ordinal)) == 1, $"{name}: more than one line:\n{all}");
        }

        foreach (var fragment in input.Names.Select(Fill))
        {
            Assert.True(line.Contains(fragment, StringComparison.Ordinal), $"{name}: the line does not name '{fragment}':\n{line}");
        }

        Assert.DoesNotMatch(LibraryText(), all);
        Assert.DoesNotContain("Never-Printed", all, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", all, StringComparison.Ordinal);
    }

    /// <summary>What only a bug shows: a stack frame, an exception's type, a namespace-qualified type, a library's name.</summary>
    [GeneratedRegex(@"(^|\n)\s+at \S+\(|\b[A-Z]\w*Exception\b|\bStrata\.[A-Z]\w*\.|YamlDotNet|Npgsql|DuckDB\.NET|Spectre\.Console")]
    private static partial Regex LibraryText();
}

/// <summary>The odd-numbered cases of <see cref="BadInputCorpus"/> (see <see cref="BadInputTests"/>).</summary>
public sealed class MoreBadInputTests
{
    [Theory]
    [MemberData(nameof(BadInputTests.Names), 1, MemberType = typeof(BadInputTests))]
    public Task A_mistake_gets_one_clear_line(string name) => BadInputTests.CheckAsync(name);
}
