namespace Strata.Transform.Templating.Jinja;

/// <summary>An expression of a parsed template.</summary>
internal abstract class Expr(Position position)
{
    /// <summary>Where the expression starts, for messages.</summary>
    public Position Position { get; } = position;
}

/// <summary>A string, number, boolean or none.</summary>
internal sealed class LiteralExpr(Position position, object? value) : Expr(position)
{
    public object? Value { get; } = value;
}

/// <summary>A variable or function name.</summary>
internal sealed class NameExpr(Position position, string name) : Expr(position)
{
    public string Name { get; } = name;
}

/// <summary><c>[a, b]</c>, or a tuple <c>(a, b)</c>: both evaluate to a list.</summary>
internal sealed class ListExpr(Position position, IReadOnlyList<Expr> items) : Expr(position)
{
    public IReadOnlyList<Expr> Items { get; } = items;
}

/// <summary><c>{'k': v}</c>.</summary>
internal sealed class DictExpr(Position position, IReadOnlyList<(Expr Key, Expr Value)> entries) : Expr(position)
{
    public IReadOnlyList<(Expr Key, Expr Value)> Entries { get; } = entries;
}

/// <summary><c>not x</c>, <c>-x</c>, <c>+x</c>.</summary>
internal sealed class UnaryExpr(Position position, string op, Expr operand) : Expr(position)
{
    public string Op { get; } = op;

    public Expr Operand { get; } = operand;
}

/// <summary>A binary operator: arithmetic, <c>~</c>, comparisons, <c>in</c>, <c>not in</c>, <c>and</c>, <c>or</c>.</summary>
internal sealed class BinaryExpr(Position position, string op, Expr left, Expr right) : Expr(position)
{
    public string Op { get; } = op;

    public Expr Left { get; } = left;

    public Expr Right { get; } = right;
}

/// <summary><c>a if test else b</c>.</summary>
internal sealed class ConditionalExpr(Position position, Expr test, Expr then, Expr otherwise) : Expr(position)
{
    public Expr Test { get; } = test;

    public Expr Then { get; } = then;

    public Expr Otherwise { get; } = otherwise;
}

/// <summary><c>a.b</c>.</summary>
internal sealed class AttributeExpr(Position position, Expr target, string name) : Expr(position)
{
    public Expr Target { get; } = target;

    public string Name { get; } = name;
}

/// <summary><c>a[key]</c>.</summary>
internal sealed class ItemExpr(Position position, Expr target, Expr key) : Expr(position)
{
    public Expr Target { get; } = target;

    public Expr Key { get; } = key;
}

/// <summary>Positional and keyword arguments as written.</summary>
internal sealed record ArgumentExprs(IReadOnlyList<Expr> Positional, IReadOnlyList<(string Name, Expr Value)> Named)
{
    /// <summary>No arguments.</summary>
    public static readonly ArgumentExprs None = new([], []);
}

/// <summary><c>f(x, k=v)</c>.</summary>
internal sealed class CallExpr(Position position, Expr callee, ArgumentExprs arguments) : Expr(position)
{
    public Expr Callee { get; } = callee;

    public ArgumentExprs Arguments { get; } = arguments;
}

/// <summary><c>x | name(args)</c>.</summary>
internal sealed class FilterExpr(Position position, Expr operand, string name, ArgumentExprs arguments) : Expr(position)
{
    public Expr Operand { get; } = operand;

    public string Name { get; } = name;

    public ArgumentExprs Arguments { get; } = arguments;
}

/// <summary><c>x is [not] name</c>: <c>defined</c>, <c>none</c>…</summary>
internal sealed class TestExpr(Position position, Expr operand, string name, bool negated) : Expr(position)
{
    public Expr Operand { get; } = operand;

    public string Name { get; } = name;

    public bool Negated { get; } = negated;
}
