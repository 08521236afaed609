using System.Diagnostics;
using System.Text.Json;
using Spectre.Console;
using Strata.Cli.Infrastructure;
using Strata.Output;

namespace Strata.Cli.Output;

/// <summary>
/// The CLI's console: Spectre.Console tables, colours and progress bars on a terminal; plain, greppable lines
/// when output is redirected or <c>CI</c> is set. Warnings go to standard error so <c>--json</c> output stays clean.
/// </summary>
internal sealed class SpectreStrataConsole : IStrataConsole
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };

    private readonly CliRuntime _runtime;
    private readonly Stopwatch _sinceLive = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private string? _liveLine;

    public SpectreStrataConsole(CliRuntime runtime)
    {
        _runtime = runtime;
        Ansi = runtime.Terminal ?? AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(runtime.Output),
            Ansi = runtime.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = runtime.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = runtime.IsTerminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
    }

    /// <summary>The underlying Spectre console (also used for help text).</summary>
    public IAnsiConsole Ansi { get; }

    /// <summary>
    /// Set for <c>--json</c>: standard output then carries the JSON document alone, and every line for people
    /// (progress, live status, messages) goes to standard error as plain text.
    /// </summary>
    public bool JsonMode { get; set; }

    public bool IsInteractive => _runtime.IsTerminal && !JsonMode;

    private TextWriter Human => JsonMode ? _runtime.Error : _runtime.Output;

    public void Info(string text) => Line(text, null);

    public void Success(string text) => Line(text, "green");

    public void Warning(string text) => AboveLiveLine(() => _runtime.Error.WriteLine($"warning: {text}"));

    public void Error(string text) => AboveLiveLine(() => _runtime.Error.WriteLine($"error: {text}"));

    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        AboveLiveLine(() => WriteTable(headers, rows, title));
    }

    private void WriteTable(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? title)
    {
        if (IsInteractive)
        {
            var table = new Table().RoundedBorder();
            if (title is not null)
            {
                table.Title(Markup.Escape(title));
            }

            foreach (var header in headers)
            {
                table.AddColumn(new TableColumn(Markup.Escape(header)));
            }

            foreach (var row in rows)
            {
                table.AddRow(row.Select(cell => (Spectre.Console.Rendering.IRenderable)new Spectre.Console.Text(cell)).ToArray());
            }

            Ansi.Write(table);
            return;
        }

        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = headers.Select((_, i) => all.Max(r => i < r.Count ? r[i].Length : 0)).ToArray();
        if (title is not null)
        {
            Human.WriteLine(title);
        }

        foreach (var row in all)
        {
            Human.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    public void Json<T>(T value) => AboveLiveLine(() => _runtime.Output.WriteLine(JsonSerializer.Serialize(value, JsonOptions)));

    /// <remarks>An empty <paramref name="text"/> removes the line.</remarks>
    public void Live(string text)
    {
        lock (_gate)
        {
            if (IsInteractive)
            {
                // Rewrite the line in place: carriage return, text, erase to end of line. A line wider than the
                // terminal would wrap, and the carriage return would then rewrite only its last row.
                var width = Math.Max(Ansi.Profile.Width - 1, 20);
                _liveLine = text.Length == 0 ? null : text.Length <= width ? text : text[..(width - 1)] + "…";
                Human.Write($"\r{_liveLine}\u001b[K");
            }
            else if (text.Length > 0 && _sinceLive.Elapsed >= PlainInterval)
            {
                Human.WriteLine(text);
                _sinceLive.Restart();
            }
        }
    }

    public async Task RunWithProgressAsync(Func<IProgressBoard, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        CloseLiveLine();
        if (IsInteractive)
        {
            await Ansi.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RowsPerSecondColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(context => work(new SpectreProgressBoard(context)));
            return;
        }

        var board = new PlainProgressBoard(Human);
        using var timer = new Timer(_ => board.Print(), null, PlainInterval, PlainInterval);
        await work(board);
        board.Print(final: true);
    }

    private void Line(string text, string? colour) => AboveLiveLine(() =>
    {
        if (IsInteractive && colour is not null)
        {
            Ansi.MarkupLine($"[{colour}]{Markup.Escape(text)}[/]");
        }
        else
        {
            Human.WriteLine(text);
        }
    });

    /// <summary>Writes lines where the live line is, then draws the live line again below them.</summary>
    private void AboveLiveLine(Action write)
    {
        lock (_gate)
        {
            if (_liveLine is null)
            {
                write();
                return;
            }

            Human.Write("\r\u001b[K");
            write();
            Human.Write(_liveLine);
        }
    }

    /// <summary>Ends the live line for good, leaving it on screen: what follows (a progress display, the shell prompt) owns the terminal.</summary>
    public void CloseLiveLine()
    {
        lock (_gate)
        {
            if (_liveLine is not null)
            {
                Human.WriteLine();
                _liveLine = null;
            }
        }
    }

    private sealed class SpectreProgressBoard(ProgressContext context) : IProgressBoard
    {
        public IProgressTask Add(string name, long total) => new SpectreProgressTask(context.AddTask(Markup.Escape(name), maxValue: Math.Max(total, 1)));

        private sealed class SpectreProgressTask(ProgressTask task) : IProgressTask
        {
            public void Increment(long amount) => task.Increment(amount);
        }
    }
}
