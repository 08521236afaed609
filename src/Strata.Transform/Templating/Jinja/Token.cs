namespace Strata.Transform.Templating.Jinja;

/// <summary>Where something is in a template: 1-based line and column.</summary>
internal readonly record struct Position(int Line, int Column);

/// <summary>The kinds of token the lexer produces.</summary>
internal enum TokenKind
{
    /// <summary>Literal template text between tags.</summary>
    Text,

    /// <summary><c>{{</c>.</summary>
    VariableBegin,

    /// <summary><c>}}</c>.</summary>
    VariableEnd,

    /// <summary><c>{%</c>.</summary>
    BlockBegin,

    /// <summary><c>%}</c>.</summary>
    BlockEnd,

    /// <summary>An identifier (keywords such as <c>if</c> and <c>in</c> included).</summary>
    Name,

    /// <summary>A string literal, unescaped.</summary>
    String,

    /// <summary>An integer literal.</summary>
    Integer,

    /// <summary>A float literal.</summary>
    Float,

    /// <summary>An operator or punctuation: <c>+</c>, <c>==</c>, <c>(</c>, <c>|</c>…</summary>
    Operator,

    /// <summary>The end of the template.</summary>
    End,
}

/// <summary>One token: its kind, its text (unescaped for strings) and where it starts.</summary>
internal readonly record struct Token(TokenKind Kind, string Value, Position Position)
{
    /// <summary>Whether this is the operator <paramref name="op"/>.</summary>
    public bool Is(string op) => Kind == TokenKind.Operator && Value == op;

    /// <summary>Whether this is the name (or keyword) <paramref name="name"/>.</summary>
    public bool IsName(string name) => Kind == TokenKind.Name && Value == name;

    /// <summary>How messages show the token.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.VariableEnd => "}}",
        TokenKind.BlockEnd => "%}",
        TokenKind.VariableBegin => "{{",
        TokenKind.BlockBegin => "{%",
        TokenKind.End => "the end of the template",
        TokenKind.String => $"'{Value}'",
        TokenKind.Text => "text",
        _ => $"'{Value}'",
    };
}
