using System.Text.Json;
using Strata.Transform.Graph;

namespace Strata.Transform.Execution;

/// <summary>Writes <c>target/manifest.json</c> (the project as loaded) and <c>target/run_results.json</c> (the last run).</summary>
internal static class Artifacts
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task WriteManifestAsync(string target, ProjectGraph graph)
    {
        Directory.CreateDirectory(target);
        var manifest = new
        {
            Project = graph.Project.Name,
            GeneratedAt = DateTime.UtcNow,
            Models = graph.Order.Select(m => new
            {
                m.Name,
                m.Path,
                m.Description,
                m.Config.Materialized,
                m.Config.Schema,
                m.Config.UniqueKey,
                m.Config.IncrementalStrategy,
                m.Config.Tags,
                DependsOn = m.Refs.Select(r => $"model.{r}").Concat(m.SourceRefs.Select(s => $"source.{s}")),
                Columns = m.Columns,
            }),
            Sources = graph.Project.Sources.Select(s => new { Name = s.FullName, s.Schema, s.Identifier, s.IsChangelog, s.LoadedAtField, s.WarnAfter, s.ErrorAfter, s.Path }),
            Tests = graph.Project.Tests.Select(t => new { t.Name, t.Kind, t.Model, t.Column, t.Severity, t.Path, DependsOn = t.Refs.Select(r => $"model.{r}") }),
        };
        await WriteAsync(Path.Combine(target, "manifest.json"), manifest);
    }

    public static async Task WriteRunResultsAsync(string target, string command, RunSummary summary)
    {
        Directory.CreateDirectory(target);
        await WriteAsync(Path.Combine(target, "run_results.json"), new
        {
            summary.RunId,
            Command = command,
            GeneratedAt = DateTime.UtcNow,
            ElapsedSeconds = summary.Elapsed.TotalSeconds,
            summary.Succeeded,
            Models = summary.Models.Select(m => new { m.Model, m.Materialized, m.Status, m.RowsChanged, m.StartedAt, DurationSeconds = m.Duration.TotalSeconds, m.Error }),
            Tests = summary.Tests.Select(t => new { t.Test, t.Model, t.Severity, t.Status, t.Failures, t.Sample, t.StartedAt, DurationSeconds = t.Duration.TotalSeconds, t.Error }),
        });
    }

    private static async Task WriteAsync(string path, object value)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(value, Options));
        File.Move(temporary, path, overwrite: true);
    }
}
