using System.Globalization;
using Strata.Text;

namespace Strata.Transform.Project;

/// <summary>Reads the generic tests a yml declares on a model (or seed, snapshot) and its columns, or on a source table's columns.</summary>
internal static class GenericTests
{
    /// <summary>The generic tests Strata knows.</summary>
    public static readonly string[] Kinds = ["not_null", "unique", "accepted_values", "relationships", "expression"];

    /// <summary>The tests on <paramref name="model"/> and its columns; <paramref name="custom"/> names the project's own generic tests.</summary>
    public static IEnumerable<DataTest> From(Model model, ModelFile yml, string path, IReadOnlySet<string> custom)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in yml.Columns)
        {
            foreach (var entry in column.Tests.Concat(column.DataTests))
            {
                yield return Read(model, column.Name, entry, path, names, custom);
            }
        }

        foreach (var entry in yml.Tests.Concat(yml.DataTests))
        {
            yield return Read(model, null, entry, path, names, custom);
        }
    }

    /// <summary>The tests on the columns of source table <paramref name="table"/>, named <c>&lt;test&gt;_source_&lt;source&gt;_&lt;table&gt;_&lt;column&gt;</c>.</summary>
    public static IEnumerable<DataTest> FromSource(SourceTable table, IEnumerable<ColumnFile> columns, string path, IReadOnlySet<string> custom)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var owner = $"source_{table.Source}_{table.Name}";
        foreach (var column in columns)
        {
            foreach (var entry in column.Tests.Concat(column.DataTests))
            {
                var test = Read(owner, $"source {table.FullName}", table.FullName, column.Name, entry, path, names, custom);
                yield return test with { Model = null, Source = table, Refs = test.Refs.Skip(1).ToList() };
            }
        }
    }

    private static DataTest Read(Model model, string? column, object entry, string path, HashSet<string> names, IReadOnlySet<string> custom) =>
        Read(model.Name, $"model {model.Name}", model.Name, column, entry, path, names, custom);

    private static DataTest Read(string owner, string subject, string label, string? column, object entry, string path, HashSet<string> names, IReadOnlySet<string> custom)
    {
        var (kind, arguments) = entry switch
        {
            string text => (text, new Dictionary<string, object?>(StringComparer.Ordinal)),
            IDictionary<object, object> map when map.Count == 1 => (
                Convert.ToString(map.Keys.Single(), CultureInfo.InvariantCulture)!,
                map.Values.Single() switch
                {
                    IDictionary<object, object> args => args.ToDictionary(a => Convert.ToString(a.Key, CultureInfo.InvariantCulture)!, a => (object?)a.Value, StringComparer.Ordinal),
                    string text => new Dictionary<string, object?>(StringComparer.Ordinal) { ["expression"] = text },
                    _ => new Dictionary<string, object?>(StringComparer.Ordinal),
                }),
            _ => throw new TransformException($"{path}: a test of {subject} is neither a name nor a map of one name to its arguments"),
        };
        var where = column is null ? subject : $"{label}.{column}";
        var own = custom.Contains(kind);
        if (!own && !Kinds.Contains(kind))
        {
            var known = Kinds.Concat(custom.Order(StringComparer.Ordinal)).ToList();
            throw new TransformException(
                $"{path}: {where} has an unknown test '{kind}'{Suggestions.DidYouMean(kind, known)}; generic tests are {string.Join(", ", known)} " +
                "(a test of your own is a {% test name(model, column_name) %} block under the test or macro paths)");
        }

        Require(kind == "accepted_values", "values");
        Require(kind == "relationships", "to");
        Require(kind == "relationships", "field");
        Require(kind == "expression", "expression");
        if (column is null && kind is not "expression" && !own)
        {
            throw new TransformException($"{path}: {kind} on {subject} needs a column; put it under columns:");
        }

        // dbt writes a test's severity under config: (dbt 1.8), Strata also beside the arguments.
        var configured = arguments.GetValueOrDefault("config") is IDictionary<object, object> config && config.TryGetValue("severity", out var inConfig) ? inConfig as string : null;
        var severity = ProjectLoader.ValidSeverity(configured ?? arguments.GetValueOrDefault("severity") as string ?? "error", path);
        var baseName = column is null ? $"{kind}_{owner}" : $"{kind}_{owner}_{column}";
        var name = baseName;
        for (var i = 2; !names.Add(name); i++)
        {
            name = $"{baseName}_{i}";
        }

        var refs = new List<string> { owner };
        if (kind == "relationships")
        {
            refs.Add(RelationshipTarget(arguments));
        }

        return new DataTest(name, kind, owner, column, arguments, severity, path) { Refs = refs, Macro = own ? Templating.GenericTestMacro.Prefix + kind : null };

        void Require(bool when, string argument)
        {
            if (when && arguments.GetValueOrDefault(argument) is null)
            {
                throw new TransformException($"{path}: test {kind} on {where} needs the argument {argument}:");
            }
        }
    }

    /// <summary>The model a relationships test points at: <c>to: orders</c> or <c>to: ref('orders')</c>.</summary>
    public static string RelationshipTarget(IReadOnlyDictionary<string, object?> arguments)
    {
        var to = Convert.ToString(arguments["to"], CultureInfo.InvariantCulture)!.Trim();
        return to.StartsWith("ref(", StringComparison.Ordinal) ? to[4..^1].Trim('\'', '"', ' ') : to;
    }
}
