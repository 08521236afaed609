namespace Strata.Output;

/// <summary>A console that shows nothing: for benchmarks and services run without a user watching.</summary>
public class NullConsole : IStrataConsole, IProgressBoard, IProgressTask
{
    /// <summary>The shared instance.</summary>
    public static NullConsole Instance { get; } = new();

    /// <inheritdoc />
    public bool IsInteractive => false;

    /// <inheritdoc />
    public void Info(string text)
    {
    }

    /// <inheritdoc />
    public void Error(string text)
    {
    }

    /// <inheritdoc />
    public void Success(string text)
    {
    }

    /// <inheritdoc />
    public void Warning(string text)
    {
    }

    /// <inheritdoc />
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? title = null)
    {
    }

    /// <inheritdoc />
    public void Json<T>(T value)
    {
    }

    /// <inheritdoc />
    public void Live(string text)
    {
    }

    /// <inheritdoc />
    public Task RunWithProgressAsync(Func<IProgressBoard, Task> work) => work(this);

    /// <inheritdoc />
    public IProgressTask Add(string name, long total) => this;

    /// <inheritdoc />
    /// <remarks>Virtual for a caller that wants the progress and nothing else (a benchmark counting rows).</remarks>
    public virtual void Increment(long amount)
    {
    }
}
