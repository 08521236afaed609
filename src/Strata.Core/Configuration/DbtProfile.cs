using System.Text.RegularExpressions;
using Strata.Errors;
using YamlDotNet.RepresentationModel;

namespace Strata.Configuration;

/// <summary>
/// dbt's <c>profiles.yml</c>, read as a convenience for a dbt project run from its own folder: the target of the
/// project's <c>profile:</c> gives the warehouse when it is a <c>duckdb</c> or <c>postgres</c> target. It sits under
/// <c>strata.yml</c> and <c>STRATA_*</c>, which override it setting by setting. Found where dbt looks:
/// <c>DBT_PROFILES_DIR</c>, the project folder, then <c>~/.dbt</c>; the target is <c>DBT_TARGET</c> or the profile's own.
/// </summary>
internal static partial class DbtProfile
{
    private const string FileName = "profiles.yml";

    /// <summary>A profile's value for a setting, where it was written (<c>profiles.yml:line:column</c>), and the target's password if any.</summary>
    public sealed record Reading(IReadOnlyList<(SettingDefinition Setting, string Value, string Origin)> Values, (string Value, string Origin)? Password, string? Warning);

    /// <summary>The profile's warehouse settings, or null when the project has no profile or no profiles.yml is found.</summary>
    /// <param name="projectDirectory">The project folder.</param>
    /// <param name="environment">Environment variables (<c>DBT_PROFILES_DIR</c>, <c>DBT_TARGET</c>, <c>HOME</c>, those <c>env_var()</c> reads).</param>
    /// <param name="display">How a file is named in messages and origins.</param>
    public static Reading? Read(string projectDirectory, IReadOnlyDictionary<string, string> environment, Func<string, string> display)
    {
        if (ProfileName(projectDirectory) is not { } profileName || Locate(projectDirectory, environment) is not { } file)
        {
            return null;
        }

        var shown = display(file);
        var document = Load(file, shown);
        if (document?[profileName] is not YamlMappingNode profile)
        {
            return null;
        }

        var targetName = environment.GetValueOrDefault("DBT_TARGET") ?? Scalar(profile, "target")?.Value ?? "dev";
        var origin = (YamlNode node) => $"{shown}:{node.Start.Line}:{node.Start.Column}";
        if (profile["outputs"] is not YamlMappingNode outputs || !outputs.Children.TryGetValue(new YamlScalarNode(targetName), out var found) || found is not YamlMappingNode target)
        {
            throw new ConfigurationException($"{shown}: profile {profileName} has no output '{targetName}' under outputs: (the target, from {(environment.ContainsKey("DBT_TARGET") ? "DBT_TARGET" : "target:")})");
        }

        var type = Scalar(target, "type")?.Value;
        if (type is not ("duckdb" or "postgres"))
        {
            return new Reading([], null,
                $"{origin(target)}: target {targetName} of profile {profileName} is a {type ?? "typeless"} target; Strata reads duckdb and postgres targets, so the warehouse comes from strata.yml and STRATA_WAREHOUSE_*");
        }

        var values = new List<(SettingDefinition, string, string)> { (Settings.WarehouseEngine, type, origin(Scalar(target, "type")!)) };
        void Take(string key, SettingDefinition setting)
        {
            if (Scalar(target, key) is { } node)
            {
                values.Add((setting, Resolve(node, environment, origin(node)), origin(node)));
            }
        }

        if (type == "duckdb")
        {
            Take("path", Settings.WarehousePath);
        }
        else
        {
            Take("host", Settings.WarehouseHost);
            Take("port", Settings.WarehousePort);
            Take("user", Settings.WarehouseUser);
            Take("dbname", Settings.WarehouseDatabase);
            Take("database", Settings.WarehouseDatabase);
        }

        var password = Scalar(target, "password") ?? Scalar(target, "pass");
        return new Reading(values, password is null ? null : (Resolve(password, environment, origin(password)), origin(password)), null);
    }

    /// <summary><c>profile:</c> of the project's <c>dbt_project.yml</c>, if it has one.</summary>
    private static string? ProfileName(string projectDirectory)
    {
        var project = Path.Combine(projectDirectory, "dbt_project.yml");
        return File.Exists(project) && Load(project, "dbt_project.yml") is { } document ? Scalar(document, "profile")?.Value : null;
    }

    private static string? Locate(string projectDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var folders = new[] { environment.GetValueOrDefault("DBT_PROFILES_DIR"), projectDirectory, environment.GetValueOrDefault("HOME") is { } home ? Path.Combine(home, ".dbt") : null };
        return folders.OfType<string>().Select(f => Path.Combine(f, FileName)).FirstOrDefault(File.Exists);
    }

    private static YamlMappingNode? Load(string file, string shown)
    {
        try
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(file);
            stream.Load(reader);
            return stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new ConfigurationException($"{shown}:{ex.Start.Line}:{ex.Start.Column}: not valid YAML ({ex.Message.Split('\n')[0].TrimEnd('.')})", ex);
        }
    }

    private static YamlScalarNode? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node as YamlScalarNode : null;

    /// <summary>A value as written, or dbt's <c>{{ env_var('NAME') }}</c> / <c>{{ env_var('NAME', 'default') }}</c>; other templating is refused.</summary>
    private static string Resolve(YamlScalarNode node, IReadOnlyDictionary<string, string> environment, string origin)
    {
        var text = node.Value ?? "";
        if (!text.Contains("{{", StringComparison.Ordinal))
        {
            return text;
        }

        if (EnvVar().Match(text) is not { Success: true } call)
        {
            throw new ConfigurationException($"{origin}: only {{{{ env_var('NAME') }}}} or {{{{ env_var('NAME', 'default') }}}} is read in profiles.yml; write the value or set it in strata.yml");
        }

        var name = call.Groups["name"].Value;
        return environment.GetValueOrDefault(name) ?? (call.Groups["default"].Success
            ? call.Groups["default"].Value
            : throw new ConfigurationException($"{origin}: env_var('{name}') is not set and has no default; set {name} or give a default"));
    }

    [GeneratedRegex(@"^\s*\{\{\s*env_var\(\s*(?<q>['""])(?<name>[^'""]+)\k<q>\s*(?:,\s*(?<r>['""])(?<default>[^'""]*)\k<r>\s*)?\)\s*\}\}\s*$")]
    private static partial Regex EnvVar();
}
