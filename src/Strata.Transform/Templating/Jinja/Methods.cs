namespace Strata.Transform.Templating.Jinja;

/// <summary>The Python methods dbt projects call on values: <c>'a'.upper()</c>, <c>d.items()</c>, <c>l.append(x)</c>.</summary>
internal static class Methods
{
    private static readonly HashSet<string> StringMethods = ["lower", "upper", "strip", "lstrip", "rstrip", "replace", "split", "startswith", "endswith", "join"];
    private static readonly HashSet<string> DictMethods = ["items", "keys", "values", "get"];
    private static readonly HashSet<string> ListMethods = ["append", "extend", "index", "count"];

    /// <summary>Whether <paramref name="target"/> has a method <paramref name="name"/> (to tell <c>d.items</c> from a missing key).</summary>
    public static bool Has(object? target, string name) => target switch
    {
        string => StringMethods.Contains(name),
        Dictionary<string, object?> => DictMethods.Contains(name),
        List<object?> => ListMethods.Contains(name),
        _ => false,
    };

    /// <summary>Calls method <paramref name="name"/> of <paramref name="target"/>; false when it has none by that name.</summary>
    public static bool TryCall(object? target, string name, Arguments args, out object? result)
    {
        result = target switch
        {
            string s => OfString(s, name, args),
            Dictionary<string, object?> dict => OfDict(dict, name, args),
            List<object?> list => OfList(list, name, args),
            _ => Missing.Value,
        };
        return !ReferenceEquals(result, Missing.Value);
    }

    private static object? OfString(string s, string name, Arguments args) => name switch
    {
        "lower" => s.ToLowerInvariant(),
        "upper" => s.ToUpperInvariant(),
        "strip" => args.Count > 0 ? s.Trim(args.Text(0, "chars").ToCharArray()) : s.Trim(),
        "lstrip" => s.TrimStart(),
        "rstrip" => s.TrimEnd(),
        "replace" => s.Replace(args.Text(0, "old"), args.Text(1, "new"), StringComparison.Ordinal),
        "split" => (args.Optional(0, "sep", null) is { } sep
            ? s.Split(Values.Text(sep))
            : s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Select(p => (object?)p).ToList(),
        "startswith" => s.StartsWith(args.Text(0, "prefix"), StringComparison.Ordinal),
        "endswith" => s.EndsWith(args.Text(0, "suffix"), StringComparison.Ordinal),
        "join" => string.Join(s, Values.Items(args.Required(0, "iterable")).Select(Values.Text)),
        _ => Missing.Value,
    };

    private static object? OfDict(Dictionary<string, object?> dict, string name, Arguments args) => name switch
    {
        "items" => dict.Select(e => (object?)new List<object?> { e.Key, e.Value }).ToList(),
        "keys" => dict.Keys.Select(k => (object?)k).ToList(),
        "values" => dict.Values.ToList(),
        "get" => dict.TryGetValue(args.Text(0, "key"), out var value) ? value : args.Optional(1, "default", null),
        _ => Missing.Value,
    };

    private static object? OfList(List<object?> list, string name, Arguments args)
    {
        switch (name)
        {
            case "append":
                list.Add(args.Required(0, "item"));
                return ""; // so {{ l.append(x) }} writes nothing, as in dbt
            case "extend":
                list.AddRange(Values.Items(args.Required(0, "items")));
                return "";
            case "index":
                var at = list.FindIndex(v => Values.AreEqual(v, args.Required(0, "value")));
                return at >= 0 ? (long)at : throw new TemplateError("list.index(): the value is not in the list");
            case "count":
                return (long)list.Count(v => Values.AreEqual(v, args.Required(0, "value")));
            default:
                return Missing.Value;
        }
    }

    /// <summary>Marks "no such method" apart from a method that returns none.</summary>
    private sealed class Missing
    {
        public static readonly Missing Value = new();
    }
}
