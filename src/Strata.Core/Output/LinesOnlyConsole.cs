namespace Strata.Output;

/// <summary>
/// A console for work that runs under someone else's live status line: it passes on warnings, errors, tables and
/// JSON, information lines only when asked, and drops its own live lines and progress bars, which would fight the
/// status line for the terminal's last line.
/// </summary>
/// <param name="inner">Where the lines go.</param>
/// <param name="info">Whether information and success lines pass too (<c>--verbose</c>).</param>
public sealed class LinesOnlyConsole(IStrataConsole inner, bool info) : IStrataConsole
{
    /// <inheritdoc />
    /// <remarks>False: this console draws nothing interactive itself.</remarks>
    public bool IsInteractive => false;

    /// <inheritdoc />
    public void Info(string text)
    {
        if (info)
        {
            inner.Info(text);
        }
    }

    /// <inheritdoc />
    public void Success(string text)
    {
        if (info)
        {
            inner.Success(text);
        }
    }

    /// <inheritdoc />
    public void Warning(string text) => inner.Warning(text);

    /// <inheritdoc />
    public void Error(string text) => inner.Error(text);

    /// <inheritdoc />
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? title = null) => inner.Table(headers, rows, title);

    /// <inheritdoc />
    public void Json<T>(T value) => inner.Json(value);

    /// <inheritdoc />
    public void Live(string text)
    {
    }

    /// <inheritdoc />
    public Task RunWithProgressAsync(Func<IProgressBoard, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return work(NullConsole.Instance);
    }
}
