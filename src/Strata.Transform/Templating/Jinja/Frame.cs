namespace Strata.Transform.Templating.Jinja;

/// <summary>
/// Variables of one scope, looked up through the enclosing ones. Loops and macro calls open a frame, as in Jinja,
/// so a <c>set</c> inside a loop does not leak out of it.
/// </summary>
internal sealed class Frame(Frame? parent)
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    /// <summary>Finds a name here or in an enclosing frame.</summary>
    public bool TryGet(string name, out object? value)
    {
        for (var frame = this; frame is not null; frame = frame.Parent)
        {
            if (frame._values.TryGetValue(name, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Sets a name in this frame.</summary>
    public void Set(string name, object? value) => _values[name] = value;

    private Frame? Parent { get; } = parent;
}
