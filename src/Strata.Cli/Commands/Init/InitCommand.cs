using System.ComponentModel;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Configuration;
using Strata.Errors;
using Strata.Ingestion.Catalog;

namespace Strata.Cli.Commands.Init;

/// <summary><c>strata init</c>: a dbt-format project over the bronze changelogs of the source's published tables.</summary>
internal sealed class InitCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<InitCommand.Options>(runtime, console)
{
    internal sealed class Options : JsonSettings
    {
        [CommandArgument(0, "[FOLDER]")]
        [Description("Folder of the new analytics project (default: analytics in the project folder)")]
        public string? Folder { get; init; }

        [CommandOption("--force")]
        [Description("Write into FOLDER even when it is not empty (generated files of the same name are replaced, others are kept)")]
        public bool Force { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options settings, CancellationToken cancellationToken)
    {
        var config = LoadConfig(settings);
        var folder = settings.Folder is { Length: > 0 } given
            ? Path.GetFullPath(given, Runtime.WorkingDirectory)
            : Path.Combine(config.ProjectDirectory, "analytics");
        if (File.Exists(folder))
        {
            throw new UsageException($"{folder} is a file; give a folder for the new project");
        }

        if (!settings.Force && Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new UsageException($"{folder} exists and is not empty; choose another folder, or pass --force to write the generated files into it");
        }

        var source = Strata.Source.SourceSettings.From(config);
        var tables = await SourceCatalog.ReadPublishedAsync(config, cancellationToken);
        if (tables.Count == 0)
        {
            throw new UsageException(
                $"publication {source.Publication} in database {source.Database} publishes no tables; run `strata source init`, or set source.publication");
        }

        var scaffold = ProjectScaffold.Generate(ProjectScaffold.ProjectName(folder), tables, $"publication {source.Publication} in database {source.Database}");
        var written = new List<string>();
        foreach (var file in scaffold.Files)
        {
            var path = Path.Combine(folder, file.Path.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, file.Text, cancellationToken);
            written.Add(path);
        }

        var projectPath = Path.GetRelativePath(config.ProjectDirectory, folder).Replace(Path.DirectorySeparatorChar, '/');
        var strataYml = Path.Combine(config.ProjectDirectory, ConfigLoader.FileName);
        if (!File.Exists(strataYml))
        {
            await File.WriteAllTextAsync(strataYml, ProjectScaffold.StrataYml(projectPath), cancellationToken);
            written.Add(strataYml);
        }
        else if (!string.Equals(config.FullPath(Settings.TransformProject), Path.TrimEndingDirectorySeparator(folder), StringComparison.Ordinal))
        {
            Console.Warning($"{strataYml} exists and was left alone; its transform.project is not {projectPath}: set it to build the new project");
        }

        var warnings = scaffold.Warnings.Concat(StaleModels(folder, scaffold)).ToList();
        foreach (var warning in warnings)
        {
            Console.Warning(warning);
        }

        if (settings.Json)
        {
            Console.Json(new { Folder = folder, Tables = tables.Count, Files = written, Warnings = warnings });
        }
        else
        {
            foreach (var path in written)
            {
                Console.Info($"wrote {path}");
            }

            Console.Success($"Project {ProjectScaffold.ProjectName(folder)} over {tables.Count} published table(s) in {folder}; `strata ingest --once` then `strata build` fills {ProjectScaffold.StagingSchema}.");
        }

        return 0;
    }

    /// <summary>
    /// Models an earlier <c>strata init</c> generated for tables the publication no longer has: their source left
    /// <c>_sources.yml</c>, so a build would fail on them. Said, not deleted — the user may have built on them.
    /// </summary>
    private static IEnumerable<string> StaleModels(string folder, ProjectScaffold.Scaffold scaffold)
    {
        var staging = Path.Combine(folder, "models", "staging");
        if (!Directory.Exists(staging))
        {
            yield break;
        }

        var current = scaffold.Files.Select(f => Path.GetFullPath(Path.Combine(folder, f.Path))).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(staging, "stg_*.sql").Order(StringComparer.Ordinal))
        {
            if (!current.Contains(Path.GetFullPath(file)) && File.ReadLines(file).FirstOrDefault() is { } first && first.Contains(ProjectScaffold.GeneratedMark, StringComparison.Ordinal))
            {
                yield return $"{file} was generated for a table the publication no longer has, and its source is gone from _sources.yml: delete it, or `strata build` fails on it";
            }
        }
    }
}
