using System.Collections;
using System.Globalization;

namespace Strata.Transform.Templating.Jinja;

/// <summary>
/// Template values are plain CLR objects: <c>null</c> (none), <see cref="string"/>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="bool"/>, <see cref="List{T}"/> of values, <see cref="Dictionary{TKey, TValue}"/>
/// with string keys, and <see cref="Callable"/>. These helpers give them Python's meaning.
/// </summary>
internal static class Values
{
    /// <summary>Python truthiness.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> list => list.Count > 0,
        Dictionary<string, object?> dict => dict.Count > 0,
        _ => true,
    };

    /// <summary>What <c>{{ value }}</c> writes: strings as they are, everything else as Python prints it.</summary>
    public static string Text(object? value) => value is string s ? s : Repr(value);

    /// <summary>Python's repr: strings quoted, so lists print as <c>['a', 'b']</c>.</summary>
    public static string Repr(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => Float(d),
        string s => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
        List<object?> list => "[" + string.Join(", ", list.Select(Repr)) + "]",
        Dictionary<string, object?> dict => "{" + string.Join(", ", dict.Select(e => Repr(e.Key) + ": " + Repr(e.Value))) + "}",
        Callable callable => throw new TemplateError($"{callable.Name} is a {callable.Kind}; call it: {callable.Name}(…)"),
        _ => value.ToString() ?? "",
    };

    private static string Float(double d)
    {
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        return double.IsFinite(d) && !text.Contains('.', StringComparison.Ordinal) && !text.Contains('E', StringComparison.Ordinal) ? text + ".0" : text;
    }

    /// <summary>The type's name in messages.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "none",
        bool => "boolean",
        long => "integer",
        double => "float",
        string => "string",
        List<object?> => "list",
        Dictionary<string, object?> => "dict",
        Callable callable => callable.Kind,
        _ => value.GetType().Name,
    };

    private static bool IsNumber(object? value) => value is long or double;

    private static double ToDouble(object? value) => value is long l ? l : (double)value!;

    /// <summary>Python's <c>==</c>: 1 == 1.0, lists and dicts by content.</summary>
    public static bool AreEqual(object? left, object? right)
    {
        if (IsNumber(left) && IsNumber(right))
        {
            return left is long a && right is long b ? a == b : ToDouble(left) == ToDouble(right);
        }

        return (left, right) switch
        {
            (List<object?> a, List<object?> b) => a.Count == b.Count && a.Zip(b).All(p => AreEqual(p.First, p.Second)),
            (Dictionary<string, object?> a, Dictionary<string, object?> b) =>
                a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out var v) && AreEqual(e.Value, v)),
            _ => Equals(left, right),
        };
    }

    /// <summary>Ordering for <c>&lt;</c> and friends: numbers with numbers, strings with strings.</summary>
    public static int Compare(object? left, object? right)
    {
        if (IsNumber(left) && IsNumber(right))
        {
            return left is long a && right is long b ? a.CompareTo(b) : ToDouble(left).CompareTo(ToDouble(right));
        }

        if (left is string s && right is string t)
        {
            return string.CompareOrdinal(s, t);
        }

        throw new TemplateError($"cannot compare {TypeName(left)} with {TypeName(right)}");
    }

    /// <summary>An arithmetic operator.</summary>
    public static object? Arithmetic(string op, object? left, object? right)
    {
        if (IsNumber(left) && IsNumber(right))
        {
            if (left is long a && right is long b && op != "/")
            {
                // Boxed per arm: a switch mixing long and double arms would make every integer result a double.
                return op switch
                {
                    "+" => (object)(a + b),
                    "-" => a - b,
                    "*" => a * b,
                    "//" => b == 0 ? throw new TemplateError("division by zero") : (long)Math.Floor((double)a / b),
                    "%" => b == 0 ? throw new TemplateError("division by zero") : ((a % b) + b) % b,
                    _ => b < 0 ? Math.Pow(a, b) : (object)(long)Math.Pow(a, b),
                };
            }

            var x = ToDouble(left);
            var y = ToDouble(right);
            if (y == 0 && op is "/" or "//" or "%")
            {
                throw new TemplateError("division by zero");
            }

            return op switch
            {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" => x / y,
                "//" => Math.Floor(x / y),
                "%" => x - (y * Math.Floor(x / y)),
                _ => Math.Pow(x, y),
            };
        }

        return (op, left, right) switch
        {
            ("+", string s, string t) => s + t,
            ("+", List<object?> a, List<object?> b) => a.Concat(b).ToList(),
            ("*", string s, long n) => string.Concat(Enumerable.Repeat(s, (int)Math.Max(0, n))),
            ("%", string, _) => throw new TemplateError("string formatting with % is not supported; use ~ to join text"),
            _ => throw new TemplateError($"cannot apply {op} to {TypeName(left)} and {TypeName(right)}"),
        };
    }

    /// <summary><c>item in container</c>.</summary>
    public static bool Contains(object? container, object? item) => container switch
    {
        string s when item is string t => s.Contains(t, StringComparison.Ordinal),
        string => throw new TemplateError($"'in <string>' needs a string on the left, not {TypeName(item)}"),
        List<object?> list => list.Any(v => AreEqual(v, item)),
        Dictionary<string, object?> dict => item is string key && dict.ContainsKey(key),
        _ => throw new TemplateError($"cannot look for a value in {TypeName(container)}"),
    };

    /// <summary>What <c>for</c> walks: a list's items, a dict's keys, a string's characters.</summary>
    public static List<object?> Items(object? value) => value switch
    {
        List<object?> list => list,
        Dictionary<string, object?> dict => [.. dict.Keys],
        string s => [.. s.Select(c => (object?)c.ToString())],
        _ => throw new TemplateError($"cannot loop over {TypeName(value)}"),
    };

    /// <summary>Length of a string, list or dict.</summary>
    public static long Length(object? value) => value switch
    {
        string s => s.Length,
        List<object?> list => list.Count,
        Dictionary<string, object?> dict => dict.Count,
        _ => throw new TemplateError($"{TypeName(value)} has no length"),
    };

    /// <summary>
    /// A value from outside (vars from YAML, where every scalar is a string and maps have object keys; config values)
    /// as a template value.
    /// </summary>
    public static object? FromClr(object? value) => value switch
    {
        null or string or bool or long or double or Callable => value,
        int i => (long)i,
        decimal m => (double)m,
        float f => (double)f,
        IDictionary dict => dict.Keys.Cast<object>().ToDictionary(k => Text(FromClr(k)), k => FromClr(dict[k]), StringComparer.Ordinal),
        IEnumerable items => items.Cast<object?>().Select(FromClr).ToList(),
        _ => value.ToString(),
    };
}
