using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Output;

namespace Strata.UnitTests;

/// <summary>On a terminal the live line stays last: lines print above it, and it never wraps.</summary>
public sealed class LiveLineTests
{
    /// <summary>What a terminal shows for <paramref name="written"/>: carriage return, erase to end of line, newline.</summary>
    private static List<string> Screen(string written)
    {
        var lines = new List<string> { "" };
        var column = 0;
        for (var i = 0; i < written.Length; i++)
        {
            if (written[i] == '\r')
            {
                column = 0;
            }
            else if (written[i] == '\n')
            {
                lines.Add("");
                column = 0;
            }
            else if (written.AsSpan(i).StartsWith("\u001b[K"))
            {
                lines[^1] = lines[^1][..column];
                i += 2;
            }
            else
            {
                var line = lines[^1].PadRight(column);
                lines[^1] = line[..column] + written[i] + (column + 1 < line.Length ? line[(column + 1)..] : "");
                column++;
            }
        }

        return lines;
    }

    private static (SpectreStrataConsole Console, StringWriter Terminal) Terminal()
    {
        // Standard output and error on one terminal, as they are when neither is redirected.
        var terminal = new StringWriter { NewLine = "\n" };
        var runtime = new CliRuntime(new Dictionary<string, string>(), Path.GetTempPath(), terminal, terminal, isTerminal: true);
        return (new SpectreStrataConsole(runtime), terminal);
    }

    [Fact]
    public void Warnings_and_lines_print_above_the_live_line_which_is_drawn_again_below_them()
    {
        var (console, terminal) = Terminal();
        console.Live("gold 1 s old");
        console.Warning("the slot is lost");
        console.Live("gold 2 s old");
        console.Info("Dashboard: http://127.0.0.1:8080");
        Assert.Equal(["warning: the slot is lost", "Dashboard: http://127.0.0.1:8080", "gold 2 s old"], Screen(terminal.ToString()));

        console.Live("");
        console.Info("Stopped after 2 transformation runs.");
        console.CloseLiveLine();
        Assert.Equal(["warning: the slot is lost", "Dashboard: http://127.0.0.1:8080", "Stopped after 2 transformation runs.", ""], Screen(terminal.ToString()));
    }

    [Fact]
    public void A_live_line_wider_than_the_terminal_is_cut_so_that_it_never_wraps()
    {
        var (console, terminal) = Terminal();
        console.Live(new string('x', 500));
        var line = Assert.Single(Screen(terminal.ToString()));
        Assert.InRange(line.Length, 20, console.Ansi.Profile.Width - 1);
        Assert.EndsWith("…", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Under_a_status_line_workers_keep_warnings_and_errors_and_lose_information_unless_verbose()
    {
        var (inner, terminal) = Terminal();
        var quiet = new LinesOnlyConsole(inner, info: false);
        var verbose = new LinesOnlyConsole(inner, info: true);
        quiet.Info("built 10 models");
        quiet.Live("1,000 changes in 10 transactions");
        quiet.Warning("1 failed: orders");
        verbose.Info("built 9 models");
        verbose.Live("2,000 changes in 20 transactions");
        quiet.Error("ingestion failed");

        Assert.False(quiet.IsInteractive);
        Assert.Equal(["warning: 1 failed: orders", "built 9 models", "error: ingestion failed", ""], Screen(terminal.ToString()));
    }
}
