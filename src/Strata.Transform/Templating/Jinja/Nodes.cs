namespace Strata.Transform.Templating.Jinja;

/// <summary>A statement of a parsed template: text, an output, or a tag with its body.</summary>
internal abstract class Node(Position position)
{
    /// <summary>Where the node starts, for messages.</summary>
    public Position Position { get; } = position;
}

/// <summary>Literal text, written as is.</summary>
internal sealed class TextNode(Position position, string text) : Node(position)
{
    public string Text { get; } = text;
}

/// <summary><c>{{ expr }}</c>.</summary>
internal sealed class OutputNode(Position position, Expr value) : Node(position)
{
    public Expr Value { get; } = value;
}

/// <summary><c>{% if %}…{% elif %}…{% else %}…{% endif %}</c>: the first branch whose test is true renders.</summary>
internal sealed class IfNode(Position position, IReadOnlyList<(Expr Test, IReadOnlyList<Node> Body)> branches, IReadOnlyList<Node> otherwise)
    : Node(position)
{
    public IReadOnlyList<(Expr Test, IReadOnlyList<Node> Body)> Branches { get; } = branches;

    public IReadOnlyList<Node> Otherwise { get; } = otherwise;
}

/// <summary><c>{% for a, b in expr %}…{% else %}…{% endfor %}</c>.</summary>
internal sealed class ForNode(Position position, IReadOnlyList<string> targets, Expr items, IReadOnlyList<Node> body, IReadOnlyList<Node> otherwise)
    : Node(position)
{
    public IReadOnlyList<string> Targets { get; } = targets;

    public Expr Items { get; } = items;

    public IReadOnlyList<Node> Body { get; } = body;

    /// <summary>Renders when there is nothing to loop over.</summary>
    public IReadOnlyList<Node> Otherwise { get; } = otherwise;
}

/// <summary><c>{% set a = expr %}</c> (or <c>set a, b = …</c>, unpacking).</summary>
internal sealed class SetNode(Position position, IReadOnlyList<string> targets, Expr value) : Node(position)
{
    public IReadOnlyList<string> Targets { get; } = targets;

    public Expr Value { get; } = value;
}

/// <summary><c>{% set a %}…{% endset %}</c>: the rendered body becomes the value.</summary>
internal sealed class SetBlockNode(Position position, string target, IReadOnlyList<Node> body) : Node(position)
{
    public string Target { get; } = target;

    public IReadOnlyList<Node> Body { get; } = body;
}

/// <summary><c>{% macro name(a, b='x') %}…{% endmacro %}</c>.</summary>
internal sealed class MacroNode(Position position, string name, IReadOnlyList<(string Name, Expr? Default)> parameters, IReadOnlyList<Node> body)
    : Node(position)
{
    public string Name { get; } = name;

    public IReadOnlyList<(string Name, Expr? Default)> Parameters { get; } = parameters;

    public IReadOnlyList<Node> Body { get; } = body;
}

/// <summary><c>{% do expr %}</c>: evaluates for its effect (<c>list.append</c>), renders nothing.</summary>
internal sealed class DoNode(Position position, Expr value) : Node(position)
{
    public Expr Value { get; } = value;
}
