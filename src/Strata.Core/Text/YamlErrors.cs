using System.Reflection;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Strata.Text;

/// <summary>
/// YamlDotNet's errors in words a user of a project file understands: "unknown key 'confg' (did you mean
/// 'config'?)" rather than "Property 'confg' not found on type 'Strata.Transform.Project.ModelFile'".
/// </summary>
public static partial class YamlErrors
{
    /// <summary>The reason, without YamlDotNet's position prefix or a .NET type name; the caller adds file:line:col.</summary>
    public static string Describe(YamlException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = (exception.InnerException?.Message ?? exception.Message).Split('\n')[0];
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        message = (cut >= 0 ? message[(cut + 3)..] : message).TrimEnd('.');
        if (UnknownProperty().Match(message) is { Success: true } unknown)
        {
            var key = unknown.Groups["key"].Value;
            return $"unknown key '{key}'{Suggestions.DidYouMean(key, KeysOf(unknown.Groups["type"].Value))}";
        }

        // Other messages may still name a .NET type ("… on type 'Strata.X.Y'", "Exception during deserialization"): keep the words.
        return TypeName().Replace(message, "").Trim();
    }

    private static IEnumerable<string> KeysOf(string typeName)
    {
        var type = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
        return type is null
            ? []
            : type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => p.GetCustomAttribute<YamlMemberAttribute>()?.Alias ?? UnderscoredNamingConvention.Instance.Apply(p.Name));
    }

    [GeneratedRegex(@"^Property '(?<key>[^']*)' not found on type '(?<type>[^']*)'$")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"\s*(on|of) type '[A-Za-z0-9_.`+\[\], ]+'")]
    private static partial Regex TypeName();
}
