namespace Strata.Transform.Templating.Jinja;

/// <summary>Something a template can call: a built-in function or a macro.</summary>
internal abstract class Callable(string name)
{
    /// <summary>Its name, for messages.</summary>
    public string Name { get; } = name;

    /// <summary><c>function</c> or <c>macro</c>, for messages.</summary>
    public abstract string Kind { get; }

    /// <summary>Calls it.</summary>
    public abstract object? Invoke(Arguments arguments, Renderer renderer);
}

/// <summary>A function written in C# (<c>ref</c>, <c>var</c>, adapter macros…).</summary>
internal sealed class BuiltinFunction(string name, Func<Arguments, object?> body) : Callable(name)
{
    public override string Kind => "function";

    public override object? Invoke(Arguments arguments, Renderer renderer) => body(arguments);
}

/// <summary>A <c>{% macro %}</c>: its definition, the frame it was defined in and the file it came from.</summary>
internal sealed class Macro(MacroNode definition, Frame closure, string path) : Callable(definition.Name)
{
    public override string Kind => "macro";

    public MacroNode Definition { get; } = definition;

    public Frame Closure { get; } = closure;

    public string Path { get; } = path;

    public override object? Invoke(Arguments arguments, Renderer renderer) => renderer.Call(this, arguments);
}
