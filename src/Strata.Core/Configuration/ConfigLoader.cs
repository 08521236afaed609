using System.Globalization;
using Strata.Errors;

namespace Strata.Configuration;

/// <summary>Builds a <see cref="StrataConfig"/> from defaults, a dbt project's <c>profiles.yml</c>, <c>strata.yml</c> and the environment.</summary>
public static class ConfigLoader
{
    /// <summary>The configuration file's name in the project folder.</summary>
    public const string FileName = "strata.yml";

    /// <summary>Loads and validates the configuration of the project in <paramref name="projectDirectory"/>.</summary>
    /// <param name="projectDirectory">The project folder.</param>
    /// <param name="environment">Environment variables (<c>STRATA_*</c> override the file).</param>
    /// <param name="workingDirectory">Messages show the file relative to this folder.</param>
    public static StrataConfig Load(string projectDirectory, IReadOnlyDictionary<string, string> environment, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var project = Path.GetFullPath(projectDirectory);
        if (!Directory.Exists(project))
        {
            throw new ConfigurationException($"project folder {project} does not exist; create it or pass --project with an existing folder");
        }

        var values = Settings.All.Where(s => !s.IsSecret)
            .ToDictionary(s => s.Path, s => new ConfigValue(s, s.Default, "default"), StringComparer.Ordinal);

        string Display(string path)
        {
            var shown = Path.GetRelativePath(workingDirectory ?? Environment.CurrentDirectory, path);
            return shown.StartsWith("..", StringComparison.Ordinal) ? path : shown;
        }

        // A dbt project's profiles.yml is the lowest layer above the defaults.
        var profile = DbtProfile.Read(project, environment, Display);
        foreach (var (setting, value, origin) in profile?.Values ?? [])
        {
            values[setting.Path] = new ConfigValue(setting, Validate(setting, value, origin), origin);
        }

        var file = Path.Combine(project, FileName);
        if (File.Exists(file))
        {
            var display = Display(file);
            foreach (var entry in YamlSettingsReader.Read(file, display))
            {
                var origin = $"{display}:{entry.Line}:{entry.Column}";
                values[entry.Definition.Path] = new ConfigValue(entry.Definition, Validate(entry.Definition, entry.Value, origin), origin);
            }
        }

        foreach (var setting in Settings.All.Where(s => !s.IsSecret))
        {
            if (environment.TryGetValue(setting.EnvironmentVariable, out var value))
            {
                var origin = $"env {setting.EnvironmentVariable}";
                values[setting.Path] = new ConfigValue(setting, Validate(setting, value, origin), origin);
            }
        }

        return new StrataConfig(project, values, environment)
        {
            Warnings = [.. profile?.Warning is { } warning ? [warning] : Array.Empty<string>(), .. UnknownVariables(environment)],
            ProfilePassword = profile?.Password,
        };
    }

    /// <summary>Variables other Strata code reads that are not settings.</summary>
    private static readonly string[] OtherVariables = ["STRATA_PROJECT", "STRATA_TEST_RESULTS"];

    /// <summary>A <c>STRATA_*</c> variable that names no setting is most likely a typo: say so rather than ignore it silently.</summary>
    private static List<string> UnknownVariables(IReadOnlyDictionary<string, string> environment)
    {
        var known = Settings.All.SelectMany(s => s.IsSecret ? [s.EnvironmentVariable, s.EnvironmentVariable + "_FILE"] : new[] { s.EnvironmentVariable })
            .Concat(OtherVariables).ToHashSet(StringComparer.Ordinal);
        return environment.Keys.Where(k => k.StartsWith("STRATA_", StringComparison.Ordinal) && !known.Contains(k)).Order(StringComparer.Ordinal)
            .Select(k => $"{k} is not a Strata setting and is ignored{Text.Suggestions.DidYouMean(k, known)}")
            .ToList();
    }

    private static string? Validate(SettingDefinition setting, string? value, string origin)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        switch (setting.Kind)
        {
            case SettingKind.Integer:
                if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) || !InRange(setting, whole))
                {
                    throw Invalid(setting, value, origin, "a whole number");
                }

                return whole.ToString(CultureInfo.InvariantCulture);
            case SettingKind.Number:
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !InRange(setting, number))
                {
                    throw Invalid(setting, value, origin, "a number");
                }

                return number.ToString(CultureInfo.InvariantCulture);
            case SettingKind.Cron when value != "off":
                Text.CronText.Parse(value, $"{origin}: {setting.Path}");
                return value;
            case SettingKind.TimeZone:
                return Text.CronText.FindTimeZone(value, $"{origin}: {setting.Path}").Id;
            case SettingKind.Duration:
                try
                {
                    Text.DurationParser.Parse(value, $"{origin}: {setting.Path}");
                    return value;
                }
                catch (UsageException ex)
                {
                    throw new ConfigurationException(ex.Message, ex);
                }

            case SettingKind.Text when setting.Choices is { } choices && !choices.Contains(value, StringComparer.Ordinal):
                throw new ConfigurationException(
                    $"{origin}: {setting.Path} must be {string.Join(" or ", choices)}, not '{value}'{Text.Suggestions.DidYouMean(value, choices)}");
            case SettingKind.Boolean:
                return value.ToLowerInvariant() switch
                {
                    "true" or "yes" or "on" => "true",
                    "false" or "no" or "off" => "false",
                    _ => throw Invalid(setting, value, origin, "true or false"),
                };
            default:
                return value;
        }
    }

    private static bool InRange(SettingDefinition setting, double value) =>
        (setting.Minimum is null || value >= setting.Minimum) && (setting.Maximum is null || value <= setting.Maximum);

    private static ConfigurationException Invalid(SettingDefinition setting, string value, string origin, string expected)
    {
        var range = setting switch
        {
            { Minimum: { } min, Maximum: { } max } => FormattableString.Invariant($" from {min} to {max}"),
            _ => "",
        };
        return new ConfigurationException($"{origin}: {setting.Path} must be {expected}{range}, not '{value}'");
    }
}
