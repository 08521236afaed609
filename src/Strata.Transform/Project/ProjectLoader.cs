using System.Globalization;
using Strata.Text;
using Strata.Transform.Seeds;
using Strata.Transform.Templating;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Strata.Transform.Project;

/// <summary>
/// Reads an analytics project folder: <c>strata_project.yml</c> or a dbt project's <c>dbt_project.yml</c>, the models
/// (<c>*.sql</c>) and their yml under the model paths, tests and macros under theirs. Every template is parsed once;
/// every mistake names its file and line.
/// </summary>
public static class ProjectLoader
{
    private const string ProjectFileName = "strata_project.yml";

    private static readonly IDeserializer Yaml = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();

    /// <summary>
    /// Loads the project in <paramref name="directory"/> (engine-neutral: the warehouse's dialect enters only when models
    /// compile); <paramref name="environment"/> answers <c>env_var()</c>, the process's environment by default.
    /// </summary>
    public static async Task<AnalyticsProject> LoadAsync(string directory, Func<string, string?>? environment = null)
    {
        var project = ReadProjectFile(directory);
        var name = project.Name ?? Path.GetFileName(Path.GetFullPath(directory));
        // Files under the test paths that define {% test %} blocks are macros (dbt's tests/generic/), the others singular tests.
        var testFiles = Files(directory, project.TestPaths, "*.sql").Select(f => (Path: Relative(directory, f), Text: File.ReadAllText(f))).ToList();
        var macros = Files(directory, project.MacroPaths, "*.sql").Select(f => (Path: Relative(directory, f), Text: File.ReadAllText(f)))
            .Concat(testFiles.Where(t => GenericTestMacro.Defines(t.Text)))
            .Select(f => (f.Path, Template: SqlTemplates.Parse(f.Text, f.Path))).ToList();
        var customTests = macros.SelectMany(m => m.Template.MacroNames).Where(n => n.StartsWith(GenericTestMacro.Prefix, StringComparison.Ordinal))
            .Select(n => n[GenericTestMacro.Prefix.Length..]).ToHashSet(StringComparer.Ordinal);

        // Schema files sit under the model paths and, as dbt reads them, under the seed paths too.
        var ymlPaths = project.ModelPaths.Concat(project.SeedPaths).Concat(project.SnapshotPaths).Distinct().ToList();
        var docs = DocsBlocks.Read(directory, Files(directory, ymlPaths, "*.md"));
        var documents = Files(directory, ymlPaths, "*.yml").Concat(Files(directory, ymlPaths, "*.yaml"))
            .Concat(new[] { Path.Combine(directory, "sources.yml") }.Where(File.Exists))
            .Select(f => (Path: Relative(directory, f), File: Read<ModelsFile>(f, directory) ?? new ModelsFile()))
            .ToList();
        foreach (var (path, file) in documents.Where(d => d.File.Version is not (null or 2)))
        {
            throw new TransformException($"{path}: version: {file.Version} is not a schema-file version Strata reads; dbt's is version: 2");
        }

        var sourceTests = new List<DataTest>();
        var sources = ReadSources(documents, sourceTests, docs, customTests);
        var described = new Dictionary<string, (string Path, ModelFile Model)>(StringComparer.Ordinal);
        foreach (var (path, file) in documents)
        {
            foreach (var model in file.Models.Concat(file.Snapshots))
            {
                if (described.TryGetValue(model.Name, out var other))
                {
                    throw new TransformException($"{path}: model {model.Name} is described twice (also in {other.Path})");
                }

                described[model.Name] = (path, model);
            }
        }

        var models = new List<Model>();
        var modelFiles = Files(directory, project.ModelPaths, "*.sql").ToList();
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

        var snapshots = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in Files(directory, project.SnapshotPaths, "*.sql"))
        {
            var path = Relative(directory, file);
            foreach (var (snapshotName, body, line) in SnapshotBlocks.Read(await File.ReadAllTextAsync(file), path))
            {
                if (models.FirstOrDefault(m => m.Name == snapshotName) is { } twin)
                {
                    throw new TransformException($"{path}: snapshot {snapshotName} has the name of {twin.Path}; model and snapshot names are unique");
                }

                models.Add(new Model(snapshotName, path, body, SqlTemplates.Parse(body, path)) { IsSnapshot = true });
                snapshots.Add(snapshotName, line);
            }
        }

        foreach (var (modelName, (path, _)) in described)
        {
            if (models.All(m => m.Name != modelName))
            {
                throw new TransformException(
                    $"{path}: describes model {modelName}, but there is no {project.ModelPaths[0]}/**/{modelName}.sql{Suggestions.DidYouMean(modelName, models.Select(m => m.Name))}");
            }
        }

        var loaded = new AnalyticsProject(name, directory, project.Vars, models, sources, [], macros) { EnvironmentVariable = environment ?? Environment.GetEnvironmentVariable };
        var tests = new List<DataTest>(sourceTests);
        foreach (var model in models)
        {
            described.TryGetValue(model.Name, out var yml);
            await ResolveAsync(loaded, model, project, yml.Model, yml.Path, docs, snapshots.TryGetValue(model.Name, out var line) ? line : null);
            if (yml.Model is not null)
            {
                tests.AddRange(GenericTests.From(model, yml.Model, yml.Path, customTests));
            }
        }

        foreach (var (path, text) in testFiles.Where(t => !GenericTestMacro.Defines(t.Text)))
        {
            var template = SqlTemplates.Parse(text, path);
            var test = new DataTest(Path.GetFileNameWithoutExtension(path), "singular", null, null, new Dictionary<string, object?>(), "error", path) { Template = template };
            var scope = ParseScope(loaded, $"test {test.Name}", path);
            await SqlTemplates.RenderAsync(template, macros.Select(m => m.Template), scope);
            test.Refs = scope.Refs.Distinct().ToList();
            var severity = scope.Config.GetValueOrDefault("severity") as string ?? "error";
            tests.Add(test with { Severity = ValidSeverity(severity, path), Refs = test.Refs });
        }

        foreach (var (path, file) in documents)
        {
            foreach (var unit in file.UnitTests)
            {
                if (models.All(m => m.Name != unit.Model))
                {
                    throw new TransformException($"{path}: unit test {unit.Name} tests model '{unit.Model}', which does not exist{Suggestions.DidYouMean(unit.Model, models.Select(m => m.Name))}");
                }

                if (tests.Any(t => t.Name == unit.Name))
                {
                    throw new TransformException($"{path}: a test named {unit.Name} already exists; unit test names are unique");
                }

                tests.Add(new DataTest(unit.Name, "unit", unit.Model, null, new Dictionary<string, object?>(), "error", path) { Unit = unit, Refs = [unit.Model] });
            }
        }

        foreach (var (seed, yml, ymlPath) in LoadSeeds(directory, project, documents, models, docs))
        {
            models.Add(seed);
            if (yml is not null)
            {
                tests.AddRange(GenericTests.From(seed, yml, ymlPath!, customTests));
            }
        }

        var enabled = models.Where(m => m.Config.Enabled).ToList();
        var analyses = new List<(string Name, string Path, SqlTemplate Template)>();
        foreach (var file in Files(directory, project.AnalysisPaths, "*.sql"))
        {
            var path = Relative(directory, file);
            analyses.Add((Path.GetFileNameWithoutExtension(file), path, SqlTemplates.Parse(await File.ReadAllTextAsync(file), path)));
        }

        // The project's own generic tests may read other models (a relationships-like test): their refs come from rendering the call.
        foreach (var test in tests.Where(t => t.Macro is not null))
        {
            var scope = ParseScope(loaded, $"test {test.Name}", test.Path);
            var call = SqlTemplates.Parse(GenericTestMacro.Call(test.Macro!, test.Model ?? test.Source!.FullName, test.Column, test.Arguments), test.Path);
            await SqlTemplates.RenderAsync(call, macros.Select(m => m.Template), scope);
            test.Refs = test.Refs.Concat(scope.Refs).Distinct().ToList();
        }

        return new AnalyticsProject(name, directory, project.Vars, enabled, sources, tests.Where(t => t.Model is null || enabled.Any(m => m.Name == t.Model)).ToList(), macros)
        {
            Analyses = analyses,
            EnvironmentVariable = loaded.EnvironmentVariable,
            DocBlocks = docs.Blocks,
        };
    }

    internal static string ValidSeverity(string severity, string path) => severity is "error" or "warn"
        ? severity
        : throw new TransformException($"{path}: severity must be error or warn, not '{severity}'");

    /// <summary>
    /// Settings in order: folder defaults, the model's yml, then its own <c>config()</c>; and its refs. A snapshot
    /// (<paramref name="snapshotLine"/>, the line of its block; null for a model) has its dbt configs translated.
    /// </summary>
    private static async Task ResolveAsync(AnalyticsProject project, Model model, ProjectFile file, ModelFile? yml, string? ymlPath, DocsBlocks docs, int? snapshotLine)
    {
        var settings = new Dictionary<string, object?>(StringComparer.Ordinal);
        FolderDefaults(settings, file.Models, file.ModelPaths, model.Path);

        if (yml?.Config is { } config)
        {
            Merge(settings, config);
        }

        var scope = ParseScope(project, $"model {model.Name}", model.Path);
        await SqlTemplates.RenderAsync(model.Template, project.Macros.Select(m => m.Template), scope);
        foreach (var (key, value) in scope.Config)
        {
            settings[key] = key == "tags" ? Tags(settings, value) : value;
        }

        var sampling = snapshotLine is { } at ? SnapshotBlocks.Translate(settings, model, at) : null;

        model.Refs = scope.Refs.Distinct().ToList();
        model.SourceRefs = scope.Sources.Distinct().ToList();
        model.Description = docs.Describe(yml?.Description, ymlPath!, $"model {model.Name}");
        model.Columns = yml?.Columns.Select(c => new ModelColumn(c.Name, docs.Describe(c.Description, ymlPath!, $"{model.Name}.{c.Name}"), c.DataType)).ToList() ?? [];
        model.Config = ModelConfigs.From(settings, yml?.Tags, model, ymlPath);
        if (sampling is not null)
        {
            SnapshotBlocks.Resolve(model, project, sampling, snapshotLine!.Value);
        }
    }

    /// <summary>
    /// The seeds under the seed paths, each a <see cref="Model"/> materialized as <c>seed</c>: its settings from the
    /// folder defaults and its yml (<c>seeds:</c> in a schema file), with that yml for its tests.
    /// </summary>
    private static List<(Model Seed, ModelFile? Yml, string? YmlPath)> LoadSeeds(
        string directory, ProjectFile project, List<(string Path, ModelsFile File)> documents, List<Model> models, DocsBlocks docs)
    {
        var described = new Dictionary<string, (string Path, ModelFile Seed)>(StringComparer.Ordinal);
        foreach (var (path, file) in documents)
        {
            foreach (var seed in file.Seeds)
            {
                if (!described.TryAdd(seed.Name, (path, seed)))
                {
                    throw new TransformException($"{path}: seed {seed.Name} is described twice (also in {described[seed.Name].Path})");
                }
            }
        }

        var seeds = new List<(Model, ModelFile?, string?)>();
        foreach (var file in Files(directory, project.SeedPaths, "*.csv"))
        {
            var path = Relative(directory, file);
            var name = Path.GetFileNameWithoutExtension(file);
            if (models.Concat(seeds.Select(s => s.Item1)).FirstOrDefault(m => m.Name == name) is { } twin)
            {
                throw new TransformException($"{path}: seed {name} has the name of {twin.Path}; model and seed names are unique");
            }

            var settings = new Dictionary<string, object?>(StringComparer.Ordinal);
            FolderDefaults(settings, project.Seeds, project.SeedPaths, path);
            described.TryGetValue(name, out var yml);
            if (yml.Seed?.Config is { } config)
            {
                Merge(settings, config);
            }

            var seed = new Model(name, path, "", SqlTemplates.Parse("", path))
            {
                Seed = new SeedOptions(
                    Path.GetFullPath(file),
                    settings.GetValueOrDefault("column_types") as Dictionary<string, string> ?? [],
                    settings.GetValueOrDefault("delimiter") as string ?? ","),
            };
            seed.Config = new ModelConfig(
                Materializations.Seed, settings.GetValueOrDefault("schema") as string ?? "analytics", [], "merge",
                ModelConfigs.Strings(settings.GetValueOrDefault("tags")).Concat(yml.Seed?.Tags ?? []).Distinct().ToList(),
                settings.GetValueOrDefault("enabled") is not false);
            seed.Description = docs.Describe(yml.Seed?.Description, yml.Path, $"seed {name}");
            seed.Columns = yml.Seed?.Columns.Select(c => new ModelColumn(c.Name, docs.Describe(c.Description, yml.Path, $"{name}.{c.Name}"), c.DataType)).ToList() ?? [];
            seeds.Add((seed, yml.Seed, yml.Path));
        }

        foreach (var (name, (path, _)) in described.Where(d => seeds.All(s => s.Item1.Name != d.Key)))
        {
            throw new TransformException($"{path}: describes seed {name}, but there is no {project.SeedPaths[0]}/**/{name}.csv");
        }

        return seeds;
    }

    /// <summary>
    /// Applies the defaults that cover <paramref name="path"/>, shallowest first. Defaults are keyed by the folder
    /// below the model (or seed) path, down to the file's own name as dbt allows (<c>staging/stg_orders</c>); ""
    /// covers every file.
    /// </summary>
    private static void FolderDefaults(Dictionary<string, object?> settings, Dictionary<string, ConfigFile> defaults, IReadOnlyList<string> roots, string path)
    {
        var directory = Path.ChangeExtension(path, null).Replace('\\', '/');
        var root = roots.Where(p => directory == p || directory.StartsWith(p + "/", StringComparison.Ordinal)).MaxBy(p => p.Length) ?? "";
        var folder = directory.Length > root.Length ? directory[(root.Length + 1)..] : "";
        foreach (var (prefix, config) in defaults.OrderBy(d => d.Key.Trim('/').Length))
        {
            var under = prefix.Trim('/');
            if (under.Length == 0 || folder == under || folder.StartsWith(under + "/", StringComparison.Ordinal))
            {
                Merge(settings, config);
            }
        }
    }

    /// <summary>Tags add up, as in dbt: a folder's, then the yml's, then <c>config()</c>'s, each kept once.</summary>
    private static List<string> Tags(Dictionary<string, object?> settings, object? more) =>
        ModelConfigs.Strings(settings.GetValueOrDefault("tags")).Concat(ModelConfigs.Strings(more)).Distinct().ToList();

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
        Set("tags", config.Tags is null ? null : Tags(settings, config.Tags));
        Set("enabled", config.Enabled);
        Set("column_types", config.ColumnTypes);
        Set("delimiter", config.Delimiter);
        Set("strategy", config.Strategy);
        Set("updated_at", config.UpdatedAt);
        Set("check_cols", config.CheckCols);
        Set("hard_deletes", config.HardDeletes);
        Set("invalidate_hard_deletes", config.InvalidateHardDeletes);
        Set("target_schema", config.TargetSchema);
        Set("dbt_valid_to_current", config.DbtValidToCurrent);
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
        EnvironmentVariable = project.EnvironmentVariable,
    };

    /// <summary>The source tables the yml declares, and the tests on their columns.</summary>
    private static List<SourceTable> ReadSources(List<(string Path, ModelsFile File)> documents, List<DataTest> sourceTests, DocsBlocks docs, IReadOnlySet<string> customTests)
    {
        var tables = new List<SourceTable>();
        foreach (var (path, file) in documents)
        {
            foreach (var source in file.Sources)
            {
                foreach (var table in source.Tables)
                {
                    var freshness = table.FreshnessGiven ? table.Freshness : source.Freshness;
                    var entry = new SourceTable(
                        source.Name, table.Name, source.Schema ?? source.Name, table.Identifier ?? table.Name, source.Changelog,
                        table.LoadedAtField ?? source.LoadedAtField ?? (source.Changelog ? "_commit_ts" : null),
                        Duration(freshness?.WarnAfter, path, "warn_after"), Duration(freshness?.ErrorAfter, path, "error_after"), path)
                    {
                        Description = docs.Describe(table.Description ?? source.Description, path, $"source {source.Name}.{table.Name}"),
                        Columns = table.Columns.Select(c => new ModelColumn(c.Name, docs.Describe(c.Description, path, $"source {source.Name}.{table.Name}.{c.Name}"), c.DataType)).ToList(),
                    };
                    if (tables.Any(t => t.FullName == entry.FullName))
                    {
                        throw new TransformException($"{path}: source table {entry.FullName} is declared twice");
                    }

                    tables.Add(entry);
                    sourceTests.AddRange(GenericTests.FromSource(entry, table.Columns, path, customTests));
                }
            }
        }

        return tables;
    }

    /// <summary>A freshness limit: Strata's <c>10m</c>, or dbt's <c>{count: 10, period: minute|hour|day}</c>.</summary>
    private static TimeSpan? Duration(object? value, string path, string key)
    {
        if (value is IDictionary<object, object> dbt)
        {
            var count = dbt.TryGetValue("count", out var c) && long.TryParse(Convert.ToString(c, CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new TransformException($"{path}: freshness {key} needs count: a whole number above 0");
            var period = dbt.TryGetValue("period", out var p) ? Convert.ToString(p, CultureInfo.InvariantCulture) : null;
            if (dbt.Keys.Select(k => Convert.ToString(k, CultureInfo.InvariantCulture)).FirstOrDefault(k => k is not "count" and not "period") is { } extra)
            {
                throw new TransformException($"{path}: freshness {key} has an unknown key '{extra}'; it takes count and period");
            }

            return period switch
            {
                "minute" => TimeSpan.FromMinutes(count),
                "hour" => TimeSpan.FromHours(count),
                "day" => TimeSpan.FromDays(count),
                _ => throw new TransformException($"{path}: freshness {key} period must be minute, hour or day, not '{period}'"),
            };
        }

        if (value is not string text)
        {
            return value is null ? null : throw new TransformException($"{path}: freshness {key} is a duration (10m) or {{count: 10, period: minute}}");
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

    /// <summary>
    /// The project file: <c>strata_project.yml</c>, or a dbt project's <c>dbt_project.yml</c>. Both in one folder is
    /// refused: which one counts would be a guess.
    /// </summary>
    private static ProjectFile ReadProjectFile(string directory)
    {
        var strata = Path.Combine(directory, ProjectFileName);
        var dbt = Path.Combine(directory, DbtProjectFile.FileName);
        return (File.Exists(strata), File.Exists(dbt)) switch
        {
            (true, true) => throw new TransformException(
                $"{directory} holds both {ProjectFileName} and {DbtProjectFile.FileName}; keep one (Strata reads either)"),
            (true, false) => Read<ProjectFile>(strata, directory) ?? new ProjectFile(),
            (false, true) => DbtProjectFile.Read(dbt, directory),
            _ => throw new TransformException(
                $"{directory} holds no {ProjectFileName} or {DbtProjectFile.FileName}; point transform.project at the analytics project folder"),
        };
    }

    private static IEnumerable<string> Files(string directory, IEnumerable<string> folders, string pattern) =>
        folders.SelectMany<string, string>(folder =>
        {
            var root = Path.Combine(directory, folder);
            return System.IO.Directory.Exists(root)
                ? System.IO.Directory.EnumerateFiles(root, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : [];
        });

    private static string Relative(string directory, string file) => Path.GetRelativePath(directory, file).Replace('\\', '/');
}
