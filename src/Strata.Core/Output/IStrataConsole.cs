namespace Strata.Output;

/// <summary>Where every command's output goes: rich on a terminal, plain lines when redirected or under CI.</summary>
/// <remarks>Services report through this interface so that the CLI, the host and tests decide how it looks.</remarks>
public interface IStrataConsole
{
    /// <summary>True on an interactive terminal (tables, progress bars, live lines).</summary>
    bool IsInteractive { get; }

    /// <summary>A line of information.</summary>
    void Info(string text);

    /// <summary>A line saying something succeeded.</summary>
    void Success(string text);

    /// <summary>A line warning about something the user may want to act on.</summary>
    void Warning(string text);

    /// <summary>A line saying one part failed while the command goes on (a model, a test); the command's own failure is an exception.</summary>
    void Error(string text);

    /// <summary>A table; plain mode prints aligned columns without borders.</summary>
    void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? title = null);

    /// <summary>A value as indented JSON (for <c>--json</c>), alone on standard output.</summary>
    void Json<T>(T value);

    /// <summary>Replaces the current live status line (a terminal rewrites it; plain mode prints it at most every few seconds).</summary>
    void Live(string text);

    /// <summary>Runs <paramref name="work"/> showing one progress bar per task it adds.</summary>
    Task RunWithProgressAsync(Func<IProgressBoard, Task> work);
}

/// <summary>A set of progress tasks shown together.</summary>
public interface IProgressBoard
{
    /// <summary>Adds a task with a known total (rows, items, …).</summary>
    IProgressTask Add(string name, long total);
}

/// <summary>One progress bar.</summary>
public interface IProgressTask
{
    /// <summary>Advances the task; safe to call from several threads.</summary>
    void Increment(long amount);
}
