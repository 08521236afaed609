using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Strata.Transform.Project;

/// <summary>
/// Reads <c>dbt_project.yml</c> as dbt writes it (hyphenated keys, configs nested under the project name and its
/// folders, with or without <c>+</c>) into the same <see cref="ProjectFile"/> Strata's own format gives. Keys that only
/// matter to dbt's own tooling are ignored; keys that would change what runs and that Strata does not do are refused
/// in one line with their position, never skipped.
/// </summary>
internal static class DbtProjectFile
{
    public const string FileName = "dbt_project.yml";

    /// <summary>Keys of dbt's own tooling, which change nothing Strata builds.</summary>
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        "version", "config-version", "profile", "target-path", "clean-targets", "require-dbt-version", "packages-install-path",
        "log-path", "docs-paths", "asset-paths", "query-comment", "flags",
    };

    /// <summary>Model configs Strata applies.</summary>
    private static readonly HashSet<string> Applied = new(StringComparer.Ordinal) { "materialized", "schema", "unique_key", "incremental_strategy", "tags", "enabled", "column_types", "delimiter" };

    /// <summary>Model configs that describe rather than build (documentation, ownership): accepted and not applied.</summary>
    private static readonly HashSet<string> Descriptive = new(StringComparer.Ordinal) { "docs", "meta", "persist_docs", "group", "access", "description", "labels", "quote_columns" };

    public static ProjectFile Read(string path, string directory)
    {
        var relative = Path.GetRelativePath(directory, path).Replace('\\', '/');
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(path);
            stream.Load(reader);
            root = stream.Documents.Count == 0 ? new YamlMappingNode() : stream.Documents[0].RootNode as YamlMappingNode
                ?? throw new TransformException($"{relative}:1:1: a dbt project file is a mapping of keys (name:, model-paths:, models:, …)");
        }
        catch (YamlException ex)
        {
            throw new TransformException($"{relative}:{ex.Start.Line}:{ex.Start.Column}: {Text.YamlErrors.Describe(ex)}", ex);
        }

        var file = new ProjectFile();
        YamlNode? models = null;
        YamlNode? seeds = null;
        YamlNode? vars = null;
        foreach (var (keyNode, value) in root.Children)
        {
            var key = Scalar(keyNode, relative);
            switch (key)
            {
                case "name":
                    file.Name = Scalar(value, relative);
                    break;
                case "model-paths" or "source-paths":
                    file.ModelPaths = Paths(value, relative);
                    break;
                case "seed-paths" or "data-paths":
                    file.SeedPaths = Paths(value, relative);
                    break;
                case "test-paths":
                    file.TestPaths = Paths(value, relative);
                    break;
                case "macro-paths":
                    file.MacroPaths = Paths(value, relative);
                    break;
                case "snapshot-paths":
                    file.SnapshotPaths = Paths(value, relative);
                    break;
                case "analysis-paths":
                    file.AnalysisPaths = Paths(value, relative);
                    break;
                case "vars":
                    vars = value;
                    break;
                case "models":
                    models = value;
                    break;
                case "seeds":
                    seeds = value;
                    break;
                case "on-run-start" or "on-run-end" when IsEmpty(value):
                    break;
                case "snapshots" or "tests" or "data_tests" or "sources" or "analyses" when IsEmpty(value):
                    break;
                case var ignored when Ignored.Contains(ignored):
                    break;
                default:
                    throw Refused(keyNode, relative, $"key '{key}' is not supported by Strata (see docs/dbt.md)");
            }
        }

        file.Name ??= Path.GetFileName(Path.GetFullPath(directory));
        if (vars is not null)
        {
            file.Vars = Vars(vars, file.Name, relative);
        }

        Tree(models, "models", file.Name, file.Models, relative);
        Tree(seeds, "seeds", file.Name, file.Seeds, relative);
        return file;
    }

    /// <summary>A <c>models:</c> or <c>seeds:</c> tree: configs nested under the project's name, then its folders.</summary>
    private static void Tree(YamlNode? node, string kind, string project, Dictionary<string, ConfigFile> into, string path)
    {
        if (node is not YamlMappingNode tree)
        {
            return;
        }

        foreach (var (packageNode, configs) in tree.Children)
        {
            var package = Scalar(packageNode, path);
            if (package != project)
            {
                throw Refused(packageNode, path, $"{kind}: configs for '{package}', which is not this project ('{project}'); packages are not supported by Strata");
            }

            Folder(configs, kind, "", into, path);
        }
    }

    /// <summary>One folder of a <c>models:</c> or <c>seeds:</c> tree: its configs (<c>+key</c>, or a known config name) and its sub-folders.</summary>
    private static void Folder(YamlNode node, string kind, string folder, Dictionary<string, ConfigFile> into, string path)
    {
        if (IsEmpty(node))
        {
            return;
        }

        if (node is not YamlMappingNode mapping)
        {
            throw Refused(node, path, $"{kind}: '{(folder.Length == 0 ? "(project)" : folder)}' must be a mapping of configs and folders");
        }

        var config = new ConfigFile();
        var any = false;
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = Scalar(keyNode, path);
            var name = key.TrimStart('+').Replace('-', '_');
            if (key.StartsWith('+') || Applied.Contains(name) || Descriptive.Contains(name))
            {
                any |= Apply(config, name, value, keyNode, path);
            }
            else
            {
                Folder(value, kind, folder.Length == 0 ? key : $"{folder}/{key}", into, path);
            }
        }

        if (any)
        {
            into[folder] = config;
        }
    }

    private static bool Apply(ConfigFile config, string name, YamlNode value, YamlNode at, string path)
    {
        switch (name)
        {
            case "materialized":
                config.Materialized = Scalar(value, path);
                return true;
            case "schema":
                config.Schema = Scalar(value, path);
                return true;
            case "unique_key":
                config.UniqueKey = ToClr(value);
                return true;
            case "incremental_strategy":
                config.IncrementalStrategy = Scalar(value, path);
                return true;
            case "tags":
                config.Tags = ToClr(value) switch
                {
                    List<object?> list => list.Select(t => Convert.ToString(t, CultureInfo.InvariantCulture)!).ToList(),
                    var one => [Convert.ToString(one, CultureInfo.InvariantCulture)!],
                };
                return true;
            case "column_types":
                config.ColumnTypes = ToClr(value) is Dictionary<string, object?> types
                    ? types.ToDictionary(t => t.Key, t => Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "", StringComparer.Ordinal)
                    : throw Refused(value, path, "column_types is a mapping of column names to type names");
                return true;
            case "delimiter":
                config.Delimiter = Scalar(value, path);
                return true;
            case "enabled":
                config.Enabled = bool.TryParse(Scalar(value, path), out var enabled)
                    ? enabled
                    : throw Refused(value, path, "enabled must be true or false");
                return true;
            case var descriptive when Descriptive.Contains(descriptive):
                return false;
            default:
                throw Refused(at, path, $"model config '{name}' is not supported by Strata (see docs/dbt.md)");
        }
    }

    /// <summary><c>vars:</c> global, and those scoped to this project (<c>vars: {project: {…}}</c>) over them.</summary>
    private static Dictionary<string, object?> Vars(YamlNode node, string project, string path)
    {
        if (ToClr(node) is not Dictionary<string, object?> all)
        {
            throw Refused(node, path, "vars must be a mapping of names to values");
        }

        var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in all.Where(v => v.Key != project))
        {
            vars[name] = value;
        }

        if (all.GetValueOrDefault(project) is Dictionary<string, object?> scoped)
        {
            foreach (var (name, value) in scoped)
            {
                vars[name] = value;
            }
        }

        return vars;
    }

    private static List<string> Paths(YamlNode node, string path) => node switch
    {
        YamlSequenceNode list => list.Children.Select(c => Scalar(c, path).TrimEnd('/')).ToList(),
        YamlScalarNode one => [Scalar(one, path).TrimEnd('/')],
        _ => throw Refused(node, path, "a path setting is a list of folders"),
    };

    /// <summary>A YAML value as plain values: strings, numbers and booleans as YAML types them, lists, maps by name.</summary>
    internal static object? ToClr(YamlNode node) => node switch
    {
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar when scalar.Value is null or "" or "~" or "null" => null,
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar when bool.TryParse(scalar.Value, out var b) => b,
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar when long.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar when double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        YamlScalarNode scalar => scalar.Value,
        YamlSequenceNode list => list.Children.Select(ToClr).ToList(),
        YamlMappingNode map => map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value ?? "", c => ToClr(c.Value), StringComparer.Ordinal),
        _ => null,
    };

    private static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Value: null or "" or "~" or "null" }
        || node is YamlSequenceNode { Children.Count: 0 } || node is YamlMappingNode { Children.Count: 0 };

    private static string Scalar(YamlNode node, string path) => node is YamlScalarNode { Value: { } value }
        ? value
        : throw Refused(node, path, "expected a single value here");

    private static TransformException Refused(YamlNode node, string path, string what) => new($"{path}:{node.Start.Line}:{node.Start.Column}: {what}");
}
