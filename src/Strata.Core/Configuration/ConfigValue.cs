namespace Strata.Configuration;

/// <summary>The effective value of one setting and where it came from.</summary>
/// <param name="Definition">The setting.</param>
/// <param name="Value">Its value, or null when unset. For secrets this is never shown to a user.</param>
/// <param name="Origin">"default", "strata.yml:3:9", "env STRATA_SOURCE_PORT", "secret store", …</param>
public sealed record ConfigValue(SettingDefinition Definition, string? Value, string Origin)
{
    /// <summary>The value as it may be shown: secrets as <c>***</c>.</summary>
    public string? Display => Definition.IsSecret && Value is not null ? "***" : Value;
}
