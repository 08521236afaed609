namespace Strata.Configuration;

/// <summary>One setting Strata understands: its dotted path, type, default and meaning.</summary>
/// <param name="Path">Dotted path as written in <c>strata.yml</c>, e.g. <c>source.port</c>.</param>
/// <param name="Kind">The type its value must parse as.</param>
/// <param name="Default">The value used when neither the file nor the environment sets it; null means unset.</param>
/// <param name="Description">One line for <c>strata config show</c> and the docs.</param>
/// <param name="Minimum">Smallest allowed value for numbers.</param>
/// <param name="Maximum">Largest allowed value for numbers.</param>
public sealed record SettingDefinition(
    string Path,
    SettingKind Kind,
    string? Default,
    string Description,
    double? Minimum = null,
    double? Maximum = null)
{
    /// <summary>The environment variable that overrides it: <c>STRATA_</c> and the path in upper case with <c>_</c> for dots.</summary>
    public string EnvironmentVariable => "STRATA_" + Path.Replace('.', '_').ToUpperInvariant();

    /// <summary>The name of its file in the secret store (<c>.strata/secrets/</c>).</summary>
    public string SecretFileName => Path.Replace('.', '_');

    /// <summary>The only values a text setting may take, when it is one of a few.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>True for passwords and tokens.</summary>
    public bool IsSecret => Kind == SettingKind.Secret;
}
