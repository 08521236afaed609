namespace Strata.Transform.Templating.Jinja;

/// <summary>
/// A rendering mistake not yet placed: thrown by values, filters and functions, which do not know where they are;
/// the renderer turns it into a <see cref="TransformException"/> naming the file, line and column of the expression.
/// </summary>
internal sealed class TemplateError(string message) : Exception(message);

/// <summary>dbt's <c>{{ return(x) }}</c>: unwinds a macro's body so the call evaluates to <see cref="Value"/>.</summary>
internal sealed class MacroReturn(object? value) : Exception("return() outside a macro")
{
    /// <summary>What the macro call evaluates to.</summary>
    public object? Value { get; } = value;
}
