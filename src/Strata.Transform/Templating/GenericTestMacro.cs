using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Strata.Transform.Templating;

/// <summary>
/// dbt's own generic tests: <c>{% test name(model, column_name, …) %}</c> blocks (in the test paths or macro paths)
/// are macros named <c>test_name</c>; a schema file that lists <c>name</c> calls it with the relation, the column and
/// its arguments, and the select it renders returns the failing rows.
/// </summary>
internal static partial class GenericTestMacro
{
    /// <summary>What dbt puts in front of a generic test's name to make its macro's.</summary>
    public const string Prefix = "test_";

    /// <summary>Arguments that configure the test rather than reach the macro.</summary>
    private static readonly string[] Configuration = ["config", "severity", "name"];

    /// <summary>Whether a file under the test paths defines generic tests (and so is macros, not a singular test).</summary>
    public static bool Defines(string text) => TestTag().IsMatch(text);

    /// <summary>The template that calls test <paramref name="macro"/> on <paramref name="relation"/> and <paramref name="column"/>.</summary>
    public static string Call(string macro, string relation, string? column, IReadOnlyDictionary<string, object?> arguments)
    {
        var call = new StringBuilder("{{ ").Append(macro).Append("(model=").Append(Literal(relation));
        if (column is not null)
        {
            call.Append(", column_name=").Append(Literal(column));
        }

        foreach (var (name, value) in arguments.Where(a => !Configuration.Contains(a.Key)).OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            call.Append(", ").Append(name).Append('=').Append(Literal(value));
        }

        return call.Append(") }}").ToString();
    }

    /// <summary>A yml value as a Jinja literal: numbers and booleans as such (yml gives them as text), lists and maps nested.</summary>
    private static string Literal(object? value) => value switch
    {
        null => "none",
        string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) => s,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && s.Contains('.', StringComparison.Ordinal) => s,
        string s when s is "true" or "True" or "false" or "False" => s.ToLowerInvariant(),
        string s => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "'",
        IDictionary<object, object> map => "{" + string.Join(", ", map.Select(e => Literal(Convert.ToString(e.Key, CultureInfo.InvariantCulture)) + ": " + Literal(e.Value))) + "}",
        IEnumerable<object> list => "[" + string.Join(", ", list.Select(Literal)) + "]",
        bool b => b ? "true" : "false",
        _ => Literal(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    [GeneratedRegex(@"\{%-?\s*test\s+[A-Za-z_]")]
    private static partial Regex TestTag();
}
