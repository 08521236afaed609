using System.Text;

namespace Strata.Transform.Templating.Jinja;

/// <summary>
/// Runs parsed templates (statements here, expressions in <c>Renderer.Expressions.cs</c>) against one render's
/// globals. A mistake becomes a one-line <see cref="TransformException"/>: <c>path:line:column: what</c>.
/// </summary>
internal sealed partial class Renderer(string subject, string subjectPath)
{
    /// <summary>Deeper than this a macro is calling itself without end; stopping beats overflowing the stack.</summary>
    private const int MaxDepth = 100;

    private readonly string _subjectPath = subjectPath;
    private string _path = subjectPath;
    private int _macroDepth;

    /// <summary>Builtins, macros, and the variables the templates set at their top level.</summary>
    public Frame Globals { get; } = new(null);

    /// <summary>Renders a template's nodes in the globals.</summary>
    public string Render(IReadOnlyList<Node> nodes, string path)
    {
        _path = path;
        var output = new StringBuilder();
        Run(nodes, Globals, output);
        return output.ToString();
    }

    /// <summary>The error for something wrong at <paramref name="at"/> in the file being rendered.</summary>
    public TransformException Error(Position at, string what) =>
        new($"{_path}:{at.Line}:{at.Column}: {what}{(_path == _subjectPath ? "" : $" (rendering {subject})")}");

    private void Run(IReadOnlyList<Node> nodes, Frame frame, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case OutputNode value:
                    var result = Eval(value.Value, frame);
                    try
                    {
                        output.Append(Values.Text(result));
                    }
                    catch (TemplateError error)
                    {
                        throw Error(value.Value.Position, error.Message);
                    }

                    break;
                case IfNode branch:
                    var taken = branch.Branches.FirstOrDefault(b => Values.IsTrue(Eval(b.Test, frame))).Body ?? branch.Otherwise;
                    Run(taken, frame, output);
                    break;
                case ForNode loop:
                    For(loop, frame, output);
                    break;
                case SetNode set:
                    Assign(set.Targets, Eval(set.Value, frame), frame, set.Position);
                    break;
                case SetBlockNode capture:
                    var body = new StringBuilder();
                    Run(capture.Body, frame, body);
                    frame.Set(capture.Target, body.ToString());
                    break;
                case MacroNode macro:
                    frame.Set(macro.Name, new Macro(macro, frame, _path));
                    break;
                case DoNode effect:
                    Eval(effect.Value, frame);
                    break;
            }
        }
    }

    private void For(ForNode loop, Frame frame, StringBuilder output)
    {
        List<object?> items;
        try
        {
            items = Values.Items(Eval(loop.Items, frame));
        }
        catch (TemplateError error)
        {
            throw Error(loop.Items.Position, error.Message);
        }

        if (items.Count == 0)
        {
            Run(loop.Otherwise, frame, output);
            return;
        }

        // A copy: the body may append to the list it walks (dbt's accumulate idiom targets another list, but be safe).
        var snapshot = items.ToArray();
        for (var i = 0; i < snapshot.Length; i++)
        {
            var inner = new Frame(frame);
            inner.Set("loop", new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["index"] = (long)(i + 1),
                ["index0"] = (long)i,
                ["revindex"] = (long)(snapshot.Length - i),
                ["revindex0"] = (long)(snapshot.Length - i - 1),
                ["first"] = i == 0,
                ["last"] = i == snapshot.Length - 1,
                ["length"] = (long)snapshot.Length,
            });
            Assign(loop.Targets, snapshot[i], inner, loop.Position);
            Run(loop.Body, inner, output);
        }
    }

    private void Assign(IReadOnlyList<string> targets, object? value, Frame frame, Position at)
    {
        if (targets.Count == 1)
        {
            frame.Set(targets[0], value);
            return;
        }

        if (value is not List<object?> parts || parts.Count != targets.Count)
        {
            throw Error(at, $"cannot unpack {Values.TypeName(value)} into {targets.Count} names ({string.Join(", ", targets)})");
        }

        for (var i = 0; i < targets.Count; i++)
        {
            frame.Set(targets[i], parts[i]);
        }
    }

    /// <summary>Calls a macro: binds its parameters, renders its body; <c>return(x)</c> makes the call evaluate to x.</summary>
    public object? Call(Macro macro, Arguments arguments)
    {
        var definition = macro.Definition;
        if (arguments.Count > definition.Parameters.Count)
        {
            throw new TemplateError($"macro {macro.Name}() takes {definition.Parameters.Count} argument(s), not {arguments.Count}");
        }

        if (arguments.Named.Keys.FirstOrDefault(k => definition.Parameters.All(p => p.Name != k)) is { } unknown)
        {
            throw new TemplateError($"macro {macro.Name}() has no parameter '{unknown}'");
        }

        var missing = definition.Parameters.Skip(arguments.Count)
            .FirstOrDefault(p => p.Default is null && !arguments.Named.ContainsKey(p.Name)).Name;
        if (missing is not null)
        {
            throw new TemplateError($"macro {macro.Name}() is missing its argument '{missing}'");
        }

        if (_macroDepth >= MaxDepth)
        {
            throw new TemplateError($"macro {macro.Name}() nests more than {MaxDepth} calls deep");
        }

        var frame = new Frame(macro.Closure);
        var caller = _path;
        _path = macro.Path;
        _macroDepth++;
        try
        {
            for (var i = 0; i < definition.Parameters.Count; i++)
            {
                var (name, fallback) = definition.Parameters[i];
                if (i < arguments.Count)
                {
                    frame.Set(name, arguments.Positional[i]);
                }
                else if (arguments.Named.TryGetValue(name, out var value))
                {
                    frame.Set(name, value);
                }
                else
                {
                    frame.Set(name, Eval(fallback!, frame));
                }
            }

            var output = new StringBuilder();
            Run(definition.Body, frame, output);
            return output.ToString();
        }
        catch (MacroReturn returned)
        {
            return returned.Value;
        }
        finally
        {
            _macroDepth--;
            _path = caller;
        }
    }

    /// <summary>dbt's <c>return(x)</c>.</summary>
    public object? Return(object? value) => _macroDepth > 0
        ? throw new MacroReturn(value)
        : throw new TemplateError("return() is only allowed inside a macro");
}
