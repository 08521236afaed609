using System.Globalization;
using Strata.Text;

namespace Strata.Transform.Project;

/// <summary>Reads the generic tests a model's yml declares on the model and on its columns.</summary>
internal static class GenericTests
{
    /// <summary>The generic tests Strata knows.</summary>
    public static readonly string[] Kinds = ["not_null", "unique", "accepted_values", "relationships", "expression"];

    public static IEnumerable<DataTest> From(Model model, ModelFile yml, string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in yml.Columns)
        {
            foreach (var entry in column.Tests.Concat(column.DataTests))
            {
                yield return Read(model, column.Name, entry, path, names);
            }
        }

        foreach (var entry in yml.Tests.Concat(yml.DataTests))
        {
            yield return Read(model, null, entry, path, names);
        }
    }

    private static DataTest Read(Model model, string? column, object entry, string path, HashSet<string> names)
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
            _ => throw new TransformException($"{path}: a test of model {model.Name} is neither a name nor a map of one name to its arguments"),
        };
        var where = column is null ? $"model {model.Name}" : $"{model.Name}.{column}";
        if (!Kinds.Contains(kind))
        {
            throw new TransformException($"{path}: {where} has an unknown test '{kind}'{Suggestions.DidYouMean(kind, Kinds)}; generic tests are {string.Join(", ", Kinds)}");
        }

        Require(kind == "accepted_values", "values");
        Require(kind == "relationships", "to");
        Require(kind == "relationships", "field");
        Require(kind == "expression", "expression");
        if (column is null && kind is not "expression")
        {
            throw new TransformException($"{path}: {kind} on model {model.Name} needs a column; put it under columns:");
        }

        var severity = ProjectLoader.ValidSeverity(arguments.GetValueOrDefault("severity") as string ?? "error", path);
        var baseName = column is null ? $"{kind}_{model.Name}" : $"{kind}_{model.Name}_{column}";
        var name = baseName;
        for (var i = 2; !names.Add(name); i++)
        {
            name = $"{baseName}_{i}";
        }

        var refs = new List<string> { model.Name };
        if (kind == "relationships")
        {
            refs.Add(RelationshipTarget(arguments));
        }

        return new DataTest(name, kind, model.Name, column, arguments, severity, path) { Refs = refs };

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
