using Strata.Errors;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Strata.Infra.Declaration;

/// <summary>
/// Reads <c>infra.yml</c> next to <c>strata.yml</c>. A file of its own rather than a section of strata.yml: strata.yml
/// holds flat settings each overridable by a <c>STRATA_*</c> variable, while this is a structured declaration of
/// privileges that is reviewed (and owned, e.g. by CODEOWNERS) on its own.
/// </summary>
public static class InfraFile
{
    /// <summary>The file's name.</summary>
    public const string Name = "infra.yml";

    /// <summary>The declaration in <paramref name="projectDirectory"/>'s infra.yml, or the defaults when there is none.</summary>
    /// <exception cref="ConfigurationException">The file is not a valid declaration (file:line:col: what is wrong).</exception>
    public static InfraDeclaration Load(string projectDirectory)
    {
        var path = Path.Combine(projectDirectory, Name);
        return File.Exists(path) ? Parse(File.ReadAllText(path), path) : new InfraDeclaration();
    }

    /// <summary>Parses a declaration; <paramref name="origin"/> names it in errors.</summary>
    public static InfraDeclaration Parse(string yaml, string origin)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        try
        {
            return deserializer.Deserialize<InfraDeclaration?>(yaml) ?? new InfraDeclaration();
        }
        catch (YamlException ex)
        {
            throw new ConfigurationException($"{origin}:{ex.Start.Line}:{ex.Start.Column}: {Text.YamlErrors.Describe(ex)}; see docs/infra.md for the keys", ex);
        }
    }
}
