using System.Globalization;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Transform;
using Strata.Transform.Execution;

namespace Strata.Cli.Commands.Transform;

/// <summary><c>strata run</c>, <c>test</c> and <c>build</c>: one shape, three modes.</summary>
internal abstract class RunCommandBase(CliRuntime runtime, SpectreStrataConsole console) : TransformCommand<RunSettings>(runtime, console)
{
    protected abstract Func<TransformService, RunOptions, CancellationToken, Task<RunSummary>> Mode { get; }

    public override Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellationToken) =>
        WithServiceAsync(settings, async (service, _) =>
        {
            var summary = await Mode(service, Options(settings, settings.FullRefresh, settings.Threads), cancellationToken);
            if (settings.Json)
            {
                Console.Json(summary);
            }
            else
            {
                Print(summary);
            }

            return summary.Succeeded ? 0 : 1;
        }, cancellationToken);

    private void Print(RunSummary summary)
    {
        string Count(IEnumerable<string> statuses, string status) => statuses.Count(s => s == status).ToString(CultureInfo.InvariantCulture);
        var seeds = summary.Models.Count(m => m.Materialized == Strata.Transform.Project.Materializations.Seed);
        var models = summary.Models.Select(m => m.Status).ToList();
        var tests = summary.Tests.Select(t => t.Status).ToList();
        var line = $"Done in {summary.Elapsed.TotalSeconds:0.0} s: " +
            (models.Count > 0 ? $"{models.Count - seeds} models{(seeds > 0 ? $" and {seeds} seeds" : "")} ({Count(models, "success")} ok, {Count(models, "error")} failed, {Count(models, "skipped")} skipped)" : "no models") +
            (tests.Count > 0 ? $"; {tests.Count} tests ({Count(tests, "pass")} passed, {Count(tests, "fail")} failed, {Count(tests, "warn")} warned, {Count(tests, "error")} errors, {Count(tests, "skipped")} skipped)" : "") +
            $". Run {summary.RunId}; details in target/run_results.json.";
        if (summary.Succeeded)
        {
            Console.Success(line);
        }
        else
        {
            Console.Warning(line);
        }
    }
}

/// <summary><c>strata run</c>.</summary>
internal sealed class RunCommand(CliRuntime runtime, SpectreStrataConsole console) : RunCommandBase(runtime, console)
{
    protected override Func<TransformService, RunOptions, CancellationToken, Task<RunSummary>> Mode => (s, o, c) => s.RunAsync(o, c);
}

/// <summary><c>strata test</c>.</summary>
internal sealed class TestCommand(CliRuntime runtime, SpectreStrataConsole console) : RunCommandBase(runtime, console)
{
    protected override Func<TransformService, RunOptions, CancellationToken, Task<RunSummary>> Mode => (s, o, c) => s.TestAsync(o, c);
}

/// <summary><c>strata seed</c>: the project's CSV seeds loaded as tables (reloaded only when a file changed, or with <c>--full-refresh</c>).</summary>
internal sealed class SeedCommand(CliRuntime runtime, SpectreStrataConsole console) : RunCommandBase(runtime, console)
{
    protected override Func<TransformService, RunOptions, CancellationToken, Task<RunSummary>> Mode => (s, o, c) => s.SeedAsync(o, c);
}

/// <summary><c>strata build</c>.</summary>
internal sealed class BuildCommand(CliRuntime runtime, SpectreStrataConsole console) : RunCommandBase(runtime, console)
{
    protected override Func<TransformService, RunOptions, CancellationToken, Task<RunSummary>> Mode => (s, o, c) => s.BuildAsync(o, c);
}
