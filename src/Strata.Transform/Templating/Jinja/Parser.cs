namespace Strata.Transform.Templating.Jinja;

/// <summary>
/// Turns tokens into statements (this file) and expressions (<c>Parser.Expressions.cs</c>). Everything outside
/// the supported subset fails here, at its line and column, rather than rendering something else.
/// </summary>
internal sealed partial class Parser
{
    /// <summary>Tags that close or continue a block; seen where none is open they are a mistake.</summary>
    private static readonly HashSet<string> Closers = ["elif", "else", "endif", "endfor", "endset", "endmacro", "endtest"];

    /// <summary>Jinja and dbt tags outside the subset: named as unsupported, not as unknown.</summary>
    private static readonly HashSet<string> Unsupported =
        ["filter", "include", "import", "from", "extends", "block", "raw", "with", "autoescape", "materialization", "snapshot", "docs"];

    /// <summary>Liquid tags an older template may still hold, with the Jinja to write instead.</summary>
    private static readonly Dictionary<string, string> LiquidTags = new(StringComparer.Ordinal)
    {
        ["unless"] = "write {% if not … %}",
        ["elsif"] = "write {% elif … %}",
        ["assign"] = "write {% set x = … %}",
        ["capture"] = "write {% set x %}…{% endset %}",
        ["case"] = "write {% if %}/{% elif %}",
        ["comment"] = "write {# … #}",
    };

    private readonly List<Token> _tokens;
    private readonly string _path;
    private int _next;

    private Parser(List<Token> tokens, string path)
    {
        _tokens = tokens;
        _path = path;
    }

    /// <summary>Parses a whole template.</summary>
    public static IReadOnlyList<Node> Parse(string text, string path)
    {
        var parser = new Parser(Lexer.Tokenize(text, path), path);
        var body = parser.Body(null, default, []);
        return body;
    }

    private Token Peek => _tokens[_next];

    private Token PeekAt(int offset) => _tokens[Math.Min(_next + offset, _tokens.Count - 1)];

    private Token Take() => _tokens[_next++];

    private TransformException Error(Position at, string what) => new($"{_path}:{at.Line}:{at.Column}: {what}");

    private bool TakeIf(string op)
    {
        if (Peek.Is(op))
        {
            _next++;
            return true;
        }

        return false;
    }

    private void Expect(string op, string where)
    {
        if (!TakeIf(op))
        {
            throw Error(Peek.Position, $"expected {op} {where}, found {Peek.Describe()}");
        }
    }

    private string ExpectName(string where)
    {
        var token = Peek;
        if (token.Kind != TokenKind.Name)
        {
            throw Error(token.Position, $"expected a name {where}, found {token.Describe()}");
        }

        _next++;
        return token.Value;
    }

    private void ExpectBlockEnd(string where)
    {
        if (Peek.Kind != TokenKind.BlockEnd)
        {
            var hint = Peek.Is(":") ? " (filter arguments go in parentheses: join(', '))" : "";
            throw Error(Peek.Position, $"expected %}} after {where}, found {Peek.Describe()}{hint}");
        }

        _next++;
    }

    /// <summary>
    /// Parses nodes up to one of <paramref name="closers"/> (the tag name is left to read), or to the end of the
    /// template when <paramref name="opener"/> is null.
    /// </summary>
    private List<Node> Body(string? opener, Position openedAt, string[] closers)
    {
        var nodes = new List<Node>();
        while (true)
        {
            var token = Take();
            switch (token.Kind)
            {
                case TokenKind.End:
                    if (opener is not null)
                    {
                        throw Error(openedAt, $"{{% {opener} %}} is never closed; expected {{% {closers[^1]} %}}");
                    }

                    return nodes;
                case TokenKind.Text:
                    nodes.Add(new TextNode(token.Position, token.Value));
                    break;
                case TokenKind.VariableBegin:
                    var value = Expression();
                    if (Peek.Kind != TokenKind.VariableEnd)
                    {
                        var hint = Peek.Is(":") ? " (filter arguments go in parentheses: join(', '))" : "";
                        throw Error(Peek.Position, $"expected }}}} after the expression, found {Peek.Describe()}{hint}");
                    }

                    _next++;
                    nodes.Add(new OutputNode(token.Position, value));
                    break;
                default:
                    var name = Peek;
                    if (name.Kind == TokenKind.Name && closers.Contains(name.Value))
                    {
                        return nodes;
                    }

                    nodes.Add(Statement(token.Position, opener, closers));
                    break;
            }
        }
    }

    private Node Statement(Position at, string? opener, string[] closers)
    {
        var tag = Peek;
        if (tag.Kind != TokenKind.Name)
        {
            throw Error(tag.Position, $"expected a tag name after {{%, found {tag.Describe()}");
        }

        _next++;
        return tag.Value switch
        {
            "if" => If(at),
            "for" => For(at),
            "set" => Set(at),
            "macro" => Macro(at, "macro"),
            "test" => Macro(at, "test"),
            "do" => Do(at),
            "call" => throw Error(tag.Position, "{% call %} is not supported; call the macro in an expression instead: {{ name(args) }}"),
            _ when Closers.Contains(tag.Value) => throw Error(tag.Position, opener is null
                ? $"unexpected {{% {tag.Value} %}}: no block is open"
                : $"unexpected {{% {tag.Value} %}} inside {{% {opener} %}}; expected {{% {closers[^1]} %}}"),
            _ when Unsupported.Contains(tag.Value) => throw Error(tag.Position, $"{{% {tag.Value} %}} is not supported"),
            _ when LiquidTags.TryGetValue(tag.Value, out var instead) =>
                throw Error(tag.Position, $"unknown tag '{tag.Value}' (Liquid); templates are Jinja: {instead}"),
            _ => throw Error(tag.Position, $"unknown tag '{tag.Value}'"),
        };
    }

    private IfNode If(Position at)
    {
        var branches = new List<(Expr, IReadOnlyList<Node>)>();
        IReadOnlyList<Node> otherwise = [];
        var test = Expression();
        ExpectBlockEnd("the condition of {% if %}");
        while (true)
        {
            var body = Body("if", at, ["elif", "else", "endif"]);
            branches.Add((test, body));
            var closer = Take().Value;
            if (closer == "elif")
            {
                test = Expression();
                ExpectBlockEnd("the condition of {% elif %}");
                continue;
            }

            if (closer == "else")
            {
                ExpectBlockEnd("{% else");
                otherwise = Body("if", at, ["endif"]);
                _next++;
            }

            ExpectBlockEnd("{% endif");
            return new IfNode(at, branches, otherwise);
        }
    }

    private ForNode For(Position at)
    {
        var targets = new List<string> { ExpectName("after {% for") };
        while (TakeIf(","))
        {
            targets.Add(ExpectName("to unpack in {% for %}"));
        }

        if (!Peek.IsName("in"))
        {
            throw Error(Peek.Position, $"expected 'in' after the loop variable, found {Peek.Describe()}");
        }

        _next++;
        var items = Expression(allowConditional: false);
        if (Peek.IsName("if") || Peek.IsName("recursive"))
        {
            throw Error(Peek.Position, $"{{% for … {Peek.Value} %}} is not supported");
        }

        ExpectBlockEnd("{% for … in …");
        var body = Body("for", at, ["else", "endfor"]);
        IReadOnlyList<Node> otherwise = [];
        if (Take().Value == "else")
        {
            ExpectBlockEnd("{% else");
            otherwise = Body("for", at, ["endfor"]);
            _next++;
        }

        ExpectBlockEnd("{% endfor");
        return new ForNode(at, targets, items, body, otherwise);
    }

    private Node Set(Position at)
    {
        var targets = new List<string> { ExpectName("after {% set") };
        while (TakeIf(","))
        {
            targets.Add(ExpectName("to unpack in {% set %}"));
        }

        if (targets.Count == 1 && Peek.Kind == TokenKind.BlockEnd)
        {
            _next++;
            var body = Body("set", at, ["endset"]);
            _next++;
            ExpectBlockEnd("{% endset");
            return new SetBlockNode(at, targets[0], body);
        }

        Expect("=", $"after {{% set {string.Join(", ", targets)}");
        var value = Expression();
        if (Peek.Is(","))
        {
            // set a, b = 1, 2: the right side is a tuple.
            var items = new List<Expr> { value };
            while (TakeIf(","))
            {
                items.Add(Expression());
            }

            value = new ListExpr(value.Position, items);
        }

        ExpectBlockEnd($"{{% set {string.Join(", ", targets)} = …");
        return new SetNode(at, targets, value);
    }

    /// <summary>
    /// <c>{% macro name(…) %}</c>, or dbt's generic test <c>{% test name(model, column_name, …) %}</c>, which is a macro
    /// named <c>test_name</c> (as dbt defines it) that the schema files call by its name.
    /// </summary>
    private MacroNode Macro(Position at, string tag)
    {
        var name = ExpectName($"after {{% {tag}");
        var parameters = new List<(string, Expr?)>();
        Expect("(", $"after {{% {tag} {name}");
        while (!TakeIf(")"))
        {
            if (parameters.Count > 0)
            {
                Expect(",", $"between the parameters of {tag} {name}");
            }

            var parameter = ExpectName($"for a parameter of {tag} {name}");
            parameters.Add((parameter, TakeIf("=") ? Expression() : null));
        }

        ExpectBlockEnd($"{{% {tag} {name}(…)");
        var body = Body(tag, at, ["end" + tag]);
        _next++;
        if (Peek.Kind == TokenKind.Name && Peek.Value == name)
        {
            _next++;
        }

        ExpectBlockEnd($"{{% end{tag}");
        return new MacroNode(at, tag == "test" ? GenericTestMacro.Prefix + name : name, parameters, body);
    }

    private DoNode Do(Position at)
    {
        var value = Expression();
        ExpectBlockEnd("the expression of {% do %}");
        return new DoNode(at, value);
    }
}
