using Strata.Text;
using Strata.Transform.Templating;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Strata.Transform.Project;

/// <summary>
/// Reads an analytics project folder: <c>strata_project.yml</c>, <c>models/**/*.sql</c> and <c>*.yml</c>,
/// <c>tests/*.sql</c>, <c>macros/*.sql</c>. Every template is parsed once; every mistake names its file and line.
/// </summary>
public static class ProjectLoader
{
    private const string ProjectFileName = "strata_project.yml";

    private static readonly IDeserializer Yaml = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();

    /// <summary>Loads the project in <paramref name="directory"/> (engine-neutral: the warehouse's dialect enters only when models compile).</summary>
    public static async Task<AnalyticsProject> LoadAsync(string directory)
    {
        var projectPath = Path.Combine(directory, ProjectFileName);
        if (!File.Exists(projectPath))
        {
            throw new TransformException($"{directory} holds no {ProjectFileName}; point transform.project at the analytics project folder");
        }

        var project = Read<ProjectFile>(projectPath, directory) ?? new ProjectFile();
        var name = project.Name ?? Path.GetFileName(Path.GetFullPath(directory));
        var macros = Files(directory, "macros", "*.sql").Select(f => (Path: Relative(directory, f), Template: SqlTemplates.Parse(File.ReadAllText(f), Relative(directory, f)))).ToList();

        var documents = Files(directory, "models", "*.yml").Concat(Files(directory, "models", "*.yaml"))
            .Concat(new[] { Path.Combine(directory, "sources.yml") }.Where(File.Exists))
            .Select(f => (Path: Relative(directory, f), File: Read<ModelsFile>(f, directory) ?? new ModelsFile()))
            .ToList();
        var sources = ReadSources(documents);
        var described = new Dictionary<string, (string Path, ModelFile Model)>(StringComparer.Ordinal);
        foreach (var (path, file) in documents)
        {
            foreach (var model in file.Models)
            {
                if (described.TryGetValue(model.Name, out var other))
                {
                    throw new TransformException($"{path}: model {model.Name} is described twice (also in {other.Path})");
                }

                described[model.Name] = (path, model);
            }
        }

        var models = new List<Model>();
        var modelFiles = Files(directory, "models", "*.sql").ToList();
        foreach (var file in modelFiles)
        {
            var path = Relative(directory, file);
            var text = await File.ReadAllTextAsync(file);
            var model = new Model(Path.GetFileNameWithoutExtension(file), path, text, SqlTemplates.Parse(text, path));
            if (models.FirstOrDefault(m => m.Name == model.Name) is { } twin)
            {
                throw new TransformException($"{path}: a model named {model.Name} already exists ({twin.Path}); model names are unique");
            }

            models.Add(model);
        }

        foreach (var (modelName, (path, _)) in described)
        {
            if (models.All(m => m.Name != modelName))
            {
                throw new TransformException(
                    $"{path}: describes model {modelName}, but there is no models/**/{modelName}.sql{Suggestions.DidYouMean(modelName, models.Select(m => m.Name))}");
            }
        }

        var loaded = new AnalyticsProject(name, directory, project.Vars, models, sources, [], macros);
        var tests = new List<DataTest>();
        foreach (var model in models)
        {
            described.TryGetValue(model.Name, out var yml);
            await ResolveAsync(loaded, model, project, yml.Model, yml.Path);
            if (yml.Model is not null)
            {
                tests.AddRange(GenericTests.From(model, yml.Model, yml.Path));
            }
        }

        foreach (var file in Files(directory, "tests", "*.sql"))
        {
            var path = Relative(directory, file);
            var template = SqlTemplates.Parse(await File.ReadAllTextAsync(file), path);
            var test = new DataTest(Path.GetFileNameWithoutExtension(file), "singular", null, null, new Dictionary<string, object?>(), "error", path) { Template = template };
            var scope = ParseScope(loaded, $"test {test.Name}", path);
            await SqlTemplates.RenderAsync(template, macros.Select(m => m.Template), scope);
            test.Refs = scope.Refs.Distinct().ToList();
            var severity = scope.Config.GetValueOrDefault("severity") as string ?? "error";
            tests.Add(test with { Severity = ValidSeverity(severity, path), Refs = test.Refs });
        }

        var enabled = models.Where(m => m.Config.Enabled).ToList();
        return new AnalyticsProject(name, directory, project.Vars, enabled, sources, tests.Where(t => t.Model is null || enabled.Any(m => m.Name == t.Model)).ToList(), macros);
    }

    internal static string ValidSeverity(string severity, string path) => severity is "error" or "warn"
        ? severity
        : throw new TransformException($"{path}: severity must be error or warn, not '{severity}'");

    /// <summary>Settings in order: folder defaults, the model's yml, then its own <c>config()</c>; and its refs.</summary>
    private static async Task ResolveAsync(AnalyticsProject project, Model model, ProjectFile file, ModelFile? yml, string? ymlPath)
    {
        var settings = new Dictionary<string, object?>(StringComparer.Ordinal);
        var folder = Path.GetDirectoryName(model.Path)!.Replace('\\', '/');
        foreach (var (prefix, defaults) in file.Models.OrderBy(d => d.Key.Length))
        {
            var under = "models/" + prefix.Trim('/');
            if (folder == under || folder.StartsWith(under + "/", StringComparison.Ordinal))
            {
                Merge(settings, defaults);
            }
        }

        if (yml?.Config is { } config)
        {
            Merge(settings, config);
        }

        var scope = ParseScope(project, $"model {model.Name}", model.Path);
        await SqlTemplates.RenderAsync(model.Template, project.Macros.Select(m => m.Template), scope);
        foreach (var (key, value) in scope.Config)
        {
            settings[key] = value;
        }

        model.Refs = scope.Refs.Distinct().ToList();
        model.SourceRefs = scope.Sources.Distinct().ToList();
        model.Description = yml?.Description;
        model.Columns = yml?.Columns.Select(c => new ModelColumn(c.Name, c.Description)).ToList() ?? [];
        model.Config = ModelConfigs.From(settings, yml?.Tags, model, ymlPath);
    }

    private static void Merge(Dictionary<string, object?> settings, ConfigFile config)
    {
        void Set(string key, object? value)
        {
            if (value is not null)
            {
                settings[key] = value;
            }
        }

        Set("materialized", config.Materialized);
        Set("schema", config.Schema);
        Set("unique_key", config.UniqueKey);
        Set("incremental_strategy", config.IncrementalStrategy);
        Set("tags", config.Tags);
        Set("enabled", config.Enabled);
    }

    /// <summary>A scope that resolves names without a warehouse: enough to find refs and <c>config()</c>.</summary>
    private static RenderScope ParseScope(AnalyticsProject project, string subject, string path) => new()
    {
        Subject = subject,
        Path = path,
        Ref = name => name,
        Source = (source, table) => $"{source}.{table}",
        Vars = project.Vars,
        Warehouse = null,
        ProjectName = project.Name,
    };

    private static List<SourceTable> ReadSources(List<(string Path, ModelsFile File)> documents)
    {
        var tables = new List<SourceTable>();
        foreach (var (path, file) in documents)
        {
            foreach (var source in file.Sources)
            {
                foreach (var table in source.Tables)
                {
                    var freshness = table.Freshness ?? source.Freshness;
                    var entry = new SourceTable(
                        source.Name, table.Name, source.Schema ?? source.Name, table.Identifier ?? table.Name, source.Changelog,
                        source.LoadedAtField ?? (source.Changelog ? "_commit_ts" : null),
                        Duration(freshness?.WarnAfter, path, "warn_after"), Duration(freshness?.ErrorAfter, path, "error_after"), path);
                    if (tables.Any(t => t.FullName == entry.FullName))
                    {
                        throw new TransformException($"{path}: source table {entry.FullName} is declared twice");
                    }

                    tables.Add(entry);
                }
            }
        }

        return tables;
    }

    private static TimeSpan? Duration(string? text, string path, string key)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return DurationParser.Parse(text, key);
        }
        catch (Errors.UsageException ex)
        {
            throw new TransformException($"{path}: {ex.Message}", ex);
        }
    }

    private static T? Read<T>(string file, string directory)
        where T : class
    {
        try
        {
            return Yaml.Deserialize<T?>(File.ReadAllText(file));
        }
        catch (YamlException ex)
        {
            throw new TransformException($"{Relative(directory, file)}:{ex.Start.Line}:{ex.Start.Column}: {Text.YamlErrors.Describe(ex)}", ex);
        }
    }

    private static IEnumerable<string> Files(string directory, string folder, string pattern)
    {
        var root = Path.Combine(directory, folder);
        return System.IO.Directory.Exists(root)
            ? System.IO.Directory.EnumerateFiles(root, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];
    }

    private static string Relative(string directory, string file) => Path.GetRelativePath(directory, file).Replace('\\', '/');
}
