using Strata.Output;

namespace Strata.UnitTests.Support;

/// <summary>A console that keeps its warnings and errors for assertions.</summary>
internal sealed class RecordingConsole : IStrataConsole
{
    public List<string> Warnings { get; } = [];

    public List<string> Errors { get; } = [];

    public bool IsInteractive => false;

    public void Info(string text)
    {
    }

    public void Success(string text)
    {
    }

    public void Warning(string text) => Warnings.Add(text);

    public void Error(string text) => Errors.Add(text);

    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? title = null)
    {
    }

    public void Json<T>(T value)
    {
    }

    public void Live(string text)
    {
    }

    public Task RunWithProgressAsync(Func<IProgressBoard, Task> work) => work(NullConsole.Instance);
}
