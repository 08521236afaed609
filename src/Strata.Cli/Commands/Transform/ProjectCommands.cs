using System.Globalization;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;

namespace Strata.Cli.Commands.Transform;

/// <summary><c>strata ls</c>: the selected models in build order.</summary>
internal sealed class ListCommand(CliRuntime runtime, SpectreStrataConsole console) : TransformCommand<SelectionSettings>(runtime, console)
{
    public override Task<int> ExecuteAsync(CommandContext context, SelectionSettings settings, CancellationToken cancellationToken) =>
        WithServiceAsync(settings, (service, _) =>
        {
            var models = service.List(Options(settings));
            if (settings.Json)
            {
                Console.Json(models.Select(m => new { m.Name, m.Path, m.Config.Materialized, m.Config.Schema, m.Config.Tags, DependsOn = m.Refs.Concat(m.SourceRefs.Select(s => $"source:{s}")) }));
            }
            else
            {
                Console.Table(["model", "materialized", "schema", "tags", "depends on"],
                    models.Select(m => (IReadOnlyList<string>)[m.Name, m.Config.Materialized, m.Config.Schema, string.Join(", ", m.Config.Tags),
                        string.Join(", ", m.Refs.Concat(m.SourceRefs.Select(s => $"source:{s}")))]));
            }

            return Task.FromResult(0);
        }, cancellationToken);
}

/// <summary><c>strata compile</c>: rendered SQL into <c>target/compiled/</c>.</summary>
internal sealed class CompileCommand(CliRuntime runtime, SpectreStrataConsole console) : TransformCommand<SelectionSettings>(runtime, console)
{
    public override Task<int> ExecuteAsync(CommandContext context, SelectionSettings settings, CancellationToken cancellationToken) =>
        WithServiceAsync(settings, async (service, _) =>
        {
            var compiled = await service.CompileAsync(Options(settings));
            // Analyses belong to no selection: they compile with the whole project.
            var analyses = settings.Select.Length == 0 && settings.Exclude.Length == 0 ? await service.CompileAnalysesAsync() : [];
            if (settings.Json)
            {
                Console.Json(compiled.Select(c => new { Model = c.Model.Name, c.Model.Path, c.Sql, Kind = "model" })
                    .Concat(analyses.Select(a => new { Model = a.Name, a.Path, a.Sql, Kind = "analysis" })));
            }
            else
            {
                Console.Success($"Compiled {compiled.Count} models{(analyses.Count > 0 ? $" and {analyses.Count} analyses" : "")} into target/compiled/.");
            }

            return 0;
        }, cancellationToken);
}

/// <summary><c>strata freshness</c>: sources past their thresholds.</summary>
internal sealed class FreshnessCommand(CliRuntime runtime, SpectreStrataConsole console) : TransformCommand<SelectionSettings>(runtime, console)
{
    public override Task<int> ExecuteAsync(CommandContext context, SelectionSettings settings, CancellationToken cancellationToken) =>
        WithServiceAsync(settings, async (service, _) =>
        {
            var results = await service.FreshnessAsync(cancellationToken);
            if (settings.Json)
            {
                Console.Json(results);
            }
            else
            {
                Console.Table(["source", "newest change (UTC)", "age", "status"],
                    results.Select(r => (IReadOnlyList<string>)[r.Source, r.NewestLoad?.ToString("u", CultureInfo.InvariantCulture) ?? "-",
                        r.Age is { } age ? $"{age.TotalSeconds:N0} s" : "-", r.Status]));
            }

            return results.Any(r => r.Status == "error") ? 1 : 0;
        }, cancellationToken);
}
