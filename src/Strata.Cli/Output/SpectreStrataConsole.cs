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
    private bool _liveLineOpen;

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

    public void Warning(string text)
    {
        CloseLiveLine();
        _runtime.Error.WriteLine($"warning: {text}");
    }

    public void Error(string text)
    {
        CloseLiveLine();
        _runtime.Error.WriteLine($"error: {text}");
    }

    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        CloseLiveLine();
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

    public void Json<T>(T value)
    {
        CloseLiveLine();
        _runtime.Output.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
    }

    public void Live(string text)
    {
        lock (_gate)
        {
            if (IsInteractive)
            {
                // Rewrite the line in place: carriage return, text, erase to end of line.
                Human.Write($"\r{text}\u001b[K");
                _liveLineOpen = true;
            }
            else if (_sinceLive.Elapsed >= PlainInterval)
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

    private void Line(string text, string? colour)
    {
        CloseLiveLine();
        if (IsInteractive && colour is not null)
        {
            Ansi.MarkupLine($"[{colour}]{Markup.Escape(text)}[/]");
        }
        else
        {
            Human.WriteLine(text);
        }
    }

    private void CloseLiveLine()
    {
        lock (_gate)
        {
            if (_liveLineOpen)
            {
                Human.WriteLine();
                _liveLineOpen = false;
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
