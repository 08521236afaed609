namespace Strata.Transform.Templating.Jinja;

/// <summary>An expression of a parsed template.</summary>
internal abstract record Expr(Position Position);

/// <summary>A string, number, boolean or none.</summary>
internal sealed record LiteralExpr(Position Position, object? Value) : Expr(Position);

/// <summary>A variable or function name.</summary>
internal sealed record NameExpr(Position Position, string Name) : Expr(Position);

/// <summary><c>[a, b]</c>, or a tuple <c>(a, b)</c>: both evaluate to a list.</summary>
internal sealed record ListExpr(Position Position, IReadOnlyList<Expr> Items) : Expr(Position);

/// <summary><c>{'k': v}</c>.</summary>
internal sealed record DictExpr(Position Position, IReadOnlyList<(Expr Key, Expr Value)> Entries) : Expr(Position);

/// <summary><c>not x</c>, <c>-x</c>, <c>+x</c>.</summary>
internal sealed record UnaryExpr(Position Position, string Op, Expr Operand) : Expr(Position);

/// <summary>A binary operator: arithmetic, <c>~</c>, comparisons, <c>in</c>, <c>not in</c>, <c>and</c>, <c>or</c>.</summary>
internal sealed record BinaryExpr(Position Position, string Op, Expr Left, Expr Right) : Expr(Position);

/// <summary><c>a if test else b</c>.</summary>
internal sealed record ConditionalExpr(Position Position, Expr Test, Expr Then, Expr Otherwise) : Expr(Position);

/// <summary><c>a.b</c>.</summary>
internal sealed record AttributeExpr(Position Position, Expr Target, string Name) : Expr(Position);

/// <summary><c>a[key]</c>.</summary>
internal sealed record ItemExpr(Position Position, Expr Target, Expr Key) : Expr(Position);

/// <summary>Positional and keyword arguments as written.</summary>
internal sealed record ArgumentExprs(IReadOnlyList<Expr> Positional, IReadOnlyList<(string Name, Expr Value)> Named)
{
    /// <summary>No arguments.</summary>
    public static readonly ArgumentExprs None = new([], []);
}

/// <summary><c>f(x, k=v)</c>.</summary>
internal sealed record CallExpr(Position Position, Expr Callee, ArgumentExprs Arguments) : Expr(Position);

/// <summary><c>x | name(args)</c>.</summary>
internal sealed record FilterExpr(Position Position, Expr Operand, string Name, ArgumentExprs Arguments) : Expr(Position);

/// <summary><c>x is [not] name</c>: <c>defined</c>, <c>none</c>…</summary>
internal sealed record TestExpr(Position Position, Expr Operand, string Name, bool Negated) : Expr(Position);
