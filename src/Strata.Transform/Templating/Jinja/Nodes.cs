namespace Strata.Transform.Templating.Jinja;

/// <summary>A statement of a parsed template: text, an output, or a tag with its body.</summary>
internal abstract record Node(Position Position);

/// <summary>Literal text, written as is.</summary>
internal sealed record TextNode(Position Position, string Text) : Node(Position);

/// <summary><c>{{ expr }}</c>.</summary>
internal sealed record OutputNode(Position Position, Expr Value) : Node(Position);

/// <summary><c>{% if %}…{% elif %}…{% else %}…{% endif %}</c>: the first branch whose test is true renders.</summary>
internal sealed record IfNode(Position Position, IReadOnlyList<(Expr Test, IReadOnlyList<Node> Body)> Branches, IReadOnlyList<Node> Otherwise) : Node(Position);

/// <summary><c>{% for a, b in expr %}…{% else %}…{% endfor %}</c>; <c>Otherwise</c> renders when there is nothing to loop over.</summary>
internal sealed record ForNode(Position Position, IReadOnlyList<string> Targets, Expr Items, IReadOnlyList<Node> Body, IReadOnlyList<Node> Otherwise) : Node(Position);

/// <summary><c>{% set a = expr %}</c> (or <c>set a, b = …</c>, unpacking).</summary>
internal sealed record SetNode(Position Position, IReadOnlyList<string> Targets, Expr Value) : Node(Position);

/// <summary><c>{% set a %}…{% endset %}</c>: the rendered body becomes the value.</summary>
internal sealed record SetBlockNode(Position Position, string Target, IReadOnlyList<Node> Body) : Node(Position);

/// <summary><c>{% macro name(a, b='x') %}…{% endmacro %}</c>.</summary>
internal sealed record MacroNode(Position Position, string Name, IReadOnlyList<(string Name, Expr? Default)> Parameters, IReadOnlyList<Node> Body) : Node(Position);

/// <summary><c>{% do expr %}</c>: evaluates for its effect (<c>list.append</c>), renders nothing.</summary>
internal sealed record DoNode(Position Position, Expr Value) : Node(Position);
