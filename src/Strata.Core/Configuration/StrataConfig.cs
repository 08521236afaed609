using System.Globalization;
using Strata.Errors;
using Strata.Secrets;

namespace Strata.Configuration;

/// <summary>The effective configuration of one project: defaults, then <c>strata.yml</c>, then <c>STRATA_*</c> variables.</summary>
/// <remarks>Values are validated when loaded, so a typed getter never fails later with a vaguer message.</remarks>
public sealed class StrataConfig
{
    private readonly IReadOnlyDictionary<string, ConfigValue> _values;
    private readonly IReadOnlyDictionary<string, string> _environment;

    internal StrataConfig(
        string projectDirectory,
        IReadOnlyDictionary<string, ConfigValue> values,
        IReadOnlyDictionary<string, string> environment)
    {
        ProjectDirectory = projectDirectory;
        _values = values;
        _environment = environment;
        SecretStore = new SecretStore(Path.Combine(StateDirectory, "secrets"));
    }

    /// <summary>What loading found doubtful but not wrong (an unknown <c>STRATA_*</c> variable), for the CLI to show once.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>An environment variable as this run sees it (templates' <c>env_var()</c>); null when unset.</summary>
    public string? EnvironmentVariable(string name) => _environment.TryGetValue(name, out var value) ? value : null;

    /// <summary>The password of the dbt profile's target (<c>profiles.yml</c>), the warehouse password's last resort.</summary>
    internal (string Value, string Origin)? ProfilePassword { get; init; }

    /// <summary>The project folder (holds <c>strata.yml</c>).</summary>
    public string ProjectDirectory { get; }

    /// <summary>Strata's own state for this project: <c>.strata/</c> under the project folder.</summary>
    public string StateDirectory => Path.Combine(ProjectDirectory, ".strata");

    /// <summary>Where a running <c>strata up</c> says where it answers (<c>.strata/host.json</c>).</summary>
    public string HostFilePath => Path.Combine(StateDirectory, "host.json");

    /// <summary>Local secrets, one file each.</summary>
    public SecretStore SecretStore { get; }

    /// <summary>Every non-secret setting with its value and origin, in display order, plus secrets as <c>***</c>.</summary>
    public IEnumerable<ConfigValue> Values => Settings.All.Select(Get);

    /// <summary>The effective value of a setting with its origin (secrets resolved through <see cref="Secret"/>).</summary>
    public ConfigValue Get(SettingDefinition setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        return setting.IsSecret ? ResolveSecret(setting) : _values[setting.Path];
    }

    /// <summary>A text setting, or null when unset.</summary>
    public string? Text(SettingDefinition setting) => Get(setting).Value is { Length: > 0 } value ? value : null;

    /// <summary>An integer setting, or null when unset.</summary>
    public int? Integer(SettingDefinition setting) =>
        Text(setting) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : null;

    /// <summary>A number setting, or null when unset.</summary>
    public double? Number(SettingDefinition setting) =>
        Text(setting) is { } value ? double.Parse(value, CultureInfo.InvariantCulture) : null;

    /// <summary>A duration setting, or null when unset (checked when the configuration loaded).</summary>
    public TimeSpan? Duration(SettingDefinition setting) =>
        Text(setting) is { } value ? Strata.Text.DurationParser.Parse(value, setting.Path) : null;

    /// <summary>A path setting made absolute against the project folder, or null when unset.</summary>
    public string? FullPath(SettingDefinition setting) =>
        Text(setting) is { } value ? Path.GetFullPath(value, ProjectDirectory) : null;

    /// <summary>A secret from <c>STRATA_…</c>, <c>STRATA_…_FILE</c> or the secret store, or null when none is set.</summary>
    public string? Secret(SettingDefinition setting) => ResolveSecret(setting).Value;

    /// <summary>
    /// The same configuration with the warehouse reached as another login (a part's own, made by <c>strata infra
    /// apply</c>); <paramref name="origin"/> says where it came from in <c>config show</c> and errors.
    /// </summary>
    public StrataConfig WithWarehouseLogin(string user, string password, string origin) =>
        WithCopy([(Settings.WarehouseUser, user)], origin, new ConfigValue(Settings.WarehousePassword, password, origin));

    /// <summary>
    /// The same configuration with non-secret <paramref name="settings"/> replaced (a part's Snowflake role and compute
    /// warehouse, from infra.yml); <paramref name="origin"/> says where they came from in <c>config show</c> and errors.
    /// </summary>
    public StrataConfig With(IReadOnlyList<(SettingDefinition Setting, string Value)> settings, string origin)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.FirstOrDefault(s => s.Setting.IsSecret) is { Setting: { } secret })
        {
            throw new ArgumentException($"{secret.Path} is a secret; secrets are not replaced this way", nameof(settings));
        }

        return WithCopy(settings, origin, PartLoginPassword);
    }

    private StrataConfig WithCopy(IReadOnlyList<(SettingDefinition Setting, string Value)> settings, string origin, ConfigValue? partLoginPassword)
    {
        var values = new Dictionary<string, ConfigValue>(_values);
        foreach (var (setting, value) in settings)
        {
            values[setting.Path] = new ConfigValue(setting, value, origin);
        }

        return new StrataConfig(ProjectDirectory, values, _environment)
        {
            Warnings = Warnings,
            ProfilePassword = ProfilePassword,
            PartLoginPassword = partLoginPassword,
        };
    }

    private ConfigValue? PartLoginPassword { get; init; }

    private ConfigValue ResolveSecret(SettingDefinition setting)
    {
        if (setting == Settings.WarehousePassword && PartLoginPassword is { } login)
        {
            return login;
        }

        var variable = setting.EnvironmentVariable;
        if (_environment.TryGetValue(variable, out var direct) && direct.Length > 0)
        {
            return new ConfigValue(setting, direct, $"env {variable}");
        }

        if (_environment.TryGetValue(variable + "_FILE", out var file) && file.Length > 0)
        {
            var path = Path.GetFullPath(file, ProjectDirectory);
            try
            {
                return new ConfigValue(setting, File.ReadAllText(path).TrimEnd('\r', '\n'), $"env {variable}_FILE");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException(
                    $"{variable}_FILE points at {path}, which cannot be read ({ex.Message.TrimEnd('.')}); fix the path or the file's permissions", ex);
            }
        }

        if (SecretStore.Read(setting.SecretFileName) is { } stored)
        {
            return new ConfigValue(setting, stored, $"secret store .strata/secrets/{setting.SecretFileName}");
        }

        return setting == Settings.WarehousePassword && ProfilePassword is { } profile
            ? new ConfigValue(setting, profile.Value, profile.Origin)
            : new ConfigValue(setting, null, "unset");
    }
}
