using System.Globalization;

namespace Strata.Transform.Templating.Jinja;

/// <summary>The filters of the subset (<c>x | join(', ')</c>); <c>default</c> is in the renderer, as it must see undefined names.</summary>
internal static class Filters
{
    /// <summary>Applies filter <paramref name="name"/>; unknown names are an error.</summary>
    public static object? Apply(string name, object? value, Arguments args) => name switch
    {
        "join" => string.Join(Values.Text(args.AtMost(1, "d").Optional(0, "d", "")), Values.Items(value).Select(Values.Text)),
        "lower" => Values.Text(value).ToLowerInvariant(),
        "upper" => Values.Text(value).ToUpperInvariant(),
        "replace" => Values.Text(value).Replace(args.AtMost(2, "old", "new").Text(0, "old"), args.Text(1, "new"), StringComparison.Ordinal),
        "length" or "count" => Values.Length(value),
        "trim" => Values.Text(value).Trim(),
        "title" => Title(Values.Text(value)),
        "string" => Values.Text(value),
        "int" => ToInteger(value, args.AtMost(1, "default").Optional(0, "default", 0L)),
        "float" => ToFloat(value),
        "list" => Values.Items(value).ToList(),
        "first" => Values.Items(value) is { Count: > 0 } items ? items[0] : throw new TemplateError("first of an empty sequence"),
        "last" => Values.Items(value) is { Count: > 0 } items ? items[^1] : throw new TemplateError("last of an empty sequence"),
        "unique" => Unique(Values.Items(value)),
        "round" => Round(value, args.AtMost(2, "precision", "method")),
        "abs" => value switch { long l => Math.Abs(l), double d => Math.Abs(d), _ => throw new TemplateError($"abs of {Values.TypeName(value)}") },
        _ => throw new TemplateError($"unknown filter '{name}'"),
    };

    private static string Title(string text)
    {
        var chars = text.ToCharArray();
        var start = true;
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = start ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            start = !char.IsLetterOrDigit(chars[i]);
        }

        return new string(chars);
    }

    private static object? ToInteger(object? value, object? fallback) => value switch
    {
        long l => l,
        double d => (long)Math.Truncate(d),
        bool b => b ? 1L : 0L,
        string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (long)Math.Truncate(d),
        _ => fallback,
    };

    private static double ToFloat(object? value) => value switch
    {
        long l => l,
        double d => d,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => 0.0,
    };

    private static List<object?> Unique(List<object?> items)
    {
        var unique = new List<object?>();
        foreach (var item in items.Where(item => !unique.Any(u => Values.AreEqual(u, item))))
        {
            unique.Add(item);
        }

        return unique;
    }

    private static double Round(object? value, Arguments args)
    {
        var number = value switch
        {
            long l => l,
            double d => d,
            _ => throw new TemplateError($"round() of {Values.TypeName(value)}"),
        };
        var precision = args.Optional(0, "precision", 0L) is long p ? (int)p : throw new TemplateError("round() precision must be an integer");
        var scale = Math.Pow(10, precision);
        return Values.Text(args.Optional(1, "method", "common")) switch
        {
            "common" => Math.Round(number * scale, MidpointRounding.AwayFromZero) / scale,
            "floor" => Math.Floor(number * scale) / scale,
            "ceil" => Math.Ceiling(number * scale) / scale,
            var method => throw new TemplateError($"round() method must be common, floor or ceil, not '{method}'"),
        };
    }
}
