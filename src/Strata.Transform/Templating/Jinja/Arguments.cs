namespace Strata.Transform.Templating.Jinja;

/// <summary>The evaluated arguments of a call or filter, with helpers that name the function when one is wrong.</summary>
internal sealed class Arguments(string function, List<object?> positional, Dictionary<string, object?> named)
{
    /// <summary>No arguments.</summary>
    public static Arguments None(string function) => new(function, [], []);

    /// <summary>The function or filter called, for messages.</summary>
    public string Function { get; } = function;

    public List<object?> Positional { get; } = positional;

    public Dictionary<string, object?> Named { get; } = named;

    /// <summary>Positional count.</summary>
    public int Count => Positional.Count;

    /// <summary>Argument <paramref name="index"/> (or named <paramref name="name"/>), which must be there.</summary>
    public object? Required(int index, string name) => TryGet(index, name, out var value)
        ? value
        : throw new TemplateError($"{Function}() is missing its argument '{name}'");

    /// <summary>Argument <paramref name="index"/> (or named <paramref name="name"/>), else <paramref name="fallback"/>.</summary>
    public object? Optional(int index, string name, object? fallback) => TryGet(index, name, out var value) ? value : fallback;

    /// <summary>A required argument as text.</summary>
    public string Text(int index, string name) => Values.Text(Required(index, name));

    /// <summary>Refuses arguments beyond what the function takes.</summary>
    public Arguments AtMost(int count, params string[] names)
    {
        if (Positional.Count > count)
        {
            throw new TemplateError($"{Function}() takes at most {count} argument(s), not {Positional.Count}");
        }

        if (Named.Keys.FirstOrDefault(k => !names.Contains(k)) is { } unknown)
        {
            throw new TemplateError($"{Function}() has no argument '{unknown}'");
        }

        return this;
    }

    private bool TryGet(int index, string name, out object? value)
    {
        if (index < Positional.Count)
        {
            value = Positional[index];
            return true;
        }

        return Named.TryGetValue(name, out value);
    }
}
