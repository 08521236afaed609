using Spectre.Console;
using Spectre.Console.Rendering;

namespace Strata.Cli.Output;

/// <summary>A progress column showing the task's rate in rows (or items) per second.</summary>
internal sealed class RowsPerSecondColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        ArgumentNullException.ThrowIfNull(task);
        var seconds = task.ElapsedTime?.TotalSeconds ?? 0;
        return seconds <= 0
            ? new Spectre.Console.Text("")
            : new Spectre.Console.Text(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{task.Value / seconds:N0}/s"), new Style(Color.Grey));
    }
}
