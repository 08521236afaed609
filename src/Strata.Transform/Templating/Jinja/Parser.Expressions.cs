using System.Globalization;

namespace Strata.Transform.Templating.Jinja;

/// <summary>Expressions, by Jinja's precedence: inline if, or, and, not, comparisons, + -, ~, * / // %, **, unary, postfix and filters.</summary>
internal sealed partial class Parser
{
    private static readonly HashSet<string> Comparisons = ["==", "!=", "<", "<=", ">", ">="];

    /// <summary>An expression; <paramref name="allowConditional"/> is false where a trailing <c>if</c> means something else.</summary>
    private Expr Expression(bool allowConditional = true)
    {
        var value = Or();
        if (!allowConditional || !Peek.IsName("if"))
        {
            return value;
        }

        var at = Take().Position;
        var test = Or();
        if (!Peek.IsName("else"))
        {
            // dbt's {{ ',' if not loop.last }}: without else, Jinja's value is undefined, which writes nothing.
            return new ConditionalExpr(at, test, value, new LiteralExpr(at, ""));
        }

        _next++;
        return new ConditionalExpr(at, test, value, Expression());
    }

    private Expr Or()
    {
        var left = And();
        while (Peek.IsName("or"))
        {
            var at = Take().Position;
            left = new BinaryExpr(at, "or", left, And());
        }

        return left;
    }

    private Expr And()
    {
        var left = Not();
        while (Peek.IsName("and"))
        {
            var at = Take().Position;
            left = new BinaryExpr(at, "and", left, Not());
        }

        return left;
    }

    private Expr Not()
    {
        if (Peek.IsName("not"))
        {
            var at = Take().Position;
            return new UnaryExpr(at, "not", Not());
        }

        return Compare();
    }

    private Expr Compare()
    {
        var left = Sum();
        while (true)
        {
            var token = Peek;
            string op;
            if (token.Kind == TokenKind.Operator && Comparisons.Contains(token.Value))
            {
                op = token.Value;
                _next++;
            }
            else if (token.IsName("in"))
            {
                op = "in";
                _next++;
            }
            else if (token.IsName("not") && PeekAt(1).IsName("in"))
            {
                op = "not in";
                _next += 2;
            }
            else
            {
                return left;
            }

            left = new BinaryExpr(token.Position, op, left, Sum());
        }
    }

    private Expr Sum()
    {
        var left = Concat();
        while (Peek.Is("+") || Peek.Is("-"))
        {
            var token = Take();
            left = new BinaryExpr(token.Position, token.Value, left, Concat());
        }

        return left;
    }

    private Expr Concat()
    {
        var left = Product();
        while (Peek.Is("~"))
        {
            var at = Take().Position;
            left = new BinaryExpr(at, "~", left, Product());
        }

        return left;
    }

    private Expr Product()
    {
        var left = Power();
        while (Peek.Is("*") || Peek.Is("/") || Peek.Is("//") || Peek.Is("%"))
        {
            var token = Take();
            left = new BinaryExpr(token.Position, token.Value, left, Power());
        }

        return left;
    }

    private Expr Power()
    {
        var left = Unary(withFilters: true);
        while (Peek.Is("**"))
        {
            var at = Take().Position;
            left = new BinaryExpr(at, "**", left, Unary(withFilters: true));
        }

        return left;
    }

    private Expr Unary(bool withFilters)
    {
        Expr value;
        if (Peek.Is("-") || Peek.Is("+"))
        {
            var token = Take();
            value = new UnaryExpr(token.Position, token.Value, Unary(withFilters: false));
        }
        else
        {
            value = Primary();
        }

        value = Postfix(value);
        return withFilters ? Filters(value) : value;
    }

    private Expr Primary()
    {
        var token = Take();
        switch (token.Kind)
        {
            case TokenKind.Name:
                return Name(token);
            case TokenKind.String:
                var text = token.Value;
                while (Peek.Kind == TokenKind.String)
                {
                    text += Take().Value; // 'a' 'b' is 'ab', as in Python
                }

                return new LiteralExpr(token.Position, text);
            case TokenKind.Integer:
                return long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var integer)
                    ? new LiteralExpr(token.Position, integer)
                    : throw Error(token.Position, $"integer {token.Value} is too large");
            case TokenKind.Float:
                return new LiteralExpr(token.Position, double.Parse(token.Value, CultureInfo.InvariantCulture));
            case TokenKind.Operator when token.Value == "(":
                return Parenthesised(token.Position);
            case TokenKind.Operator when token.Value == "[":
                return new ListExpr(token.Position, Items("]", "in the list"));
            case TokenKind.Operator when token.Value == "{":
                return Dict(token.Position);
            default:
                throw Error(token.Position, $"expected an expression, found {token.Describe()}");
        }
    }

    private Expr Name(Token token)
    {
        switch (token.Value)
        {
            case "true" or "True":
                return new LiteralExpr(token.Position, true);
            case "false" or "False":
                return new LiteralExpr(token.Position, false);
            case "none" or "None":
                return new LiteralExpr(token.Position, null);
            case "caller":
                throw Error(token.Position, "caller() is not supported ({% call %} is not)");
            case "is_incremental" when !Peek.Is("("):
                throw Error(token.Position, "write is_incremental() with parentheses (without them the condition is always true)");
            default:
                return new NameExpr(token.Position, token.Value);
        }
    }

    private Expr Parenthesised(Position at)
    {
        if (TakeIf(")"))
        {
            return new ListExpr(at, []);
        }

        var first = Expression();
        if (TakeIf(")"))
        {
            return first;
        }

        Expect(",", "or ) in the parentheses");
        var items = new List<Expr> { first };
        items.AddRange(Items(")", "in the tuple"));
        return new ListExpr(at, items);
    }

    /// <summary>Comma-separated expressions up to <paramref name="close"/> (a trailing comma allowed).</summary>
    private List<Expr> Items(string close, string where)
    {
        var items = new List<Expr>();
        while (!TakeIf(close))
        {
            items.Add(Expression());
            if (!TakeIf(","))
            {
                Expect(close, where);
                break;
            }
        }

        return items;
    }

    private DictExpr Dict(Position at)
    {
        var entries = new List<(Expr, Expr)>();
        while (!TakeIf("}"))
        {
            var key = Expression();
            Expect(":", "after a key in the dict");
            entries.Add((key, Expression()));
            if (!TakeIf(","))
            {
                Expect("}", "in the dict");
                break;
            }
        }

        return new DictExpr(at, entries);
    }

    private Expr Postfix(Expr value)
    {
        while (true)
        {
            var token = Peek;
            if (token.Is("."))
            {
                _next++;
                value = new AttributeExpr(token.Position, value, ExpectName("after ."));
            }
            else if (token.Is("["))
            {
                _next++;
                if (Peek.Is(":"))
                {
                    throw Error(Peek.Position, "slices are not supported");
                }

                var key = Expression();
                if (Peek.Is(":"))
                {
                    throw Error(Peek.Position, "slices are not supported");
                }

                Expect("]", "after the subscript");
                value = new ItemExpr(token.Position, value, key);
            }
            else if (token.Is("("))
            {
                _next++;
                value = new CallExpr(token.Position, value, Arguments(value));
            }
            else
            {
                return value;
            }
        }
    }

    private Expr Filters(Expr value)
    {
        while (true)
        {
            if (Peek.Is("|"))
            {
                var at = Take().Position;
                var name = ExpectName("after |");
                var arguments = TakeIf("(") ? Arguments(null) : ArgumentExprs.None;
                value = Postfix(new FilterExpr(at, value, name, arguments));
            }
            else if (Peek.IsName("is"))
            {
                var at = Take().Position;
                var negated = Peek.IsName("not") && PeekAt(1).Kind == TokenKind.Name;
                if (negated)
                {
                    _next++;
                }

                var name = ExpectName("after is");
                if (Peek.Is("("))
                {
                    throw Error(Peek.Position, $"tests with arguments ('is {name}(…)') are not supported");
                }

                value = new TestExpr(at, value, name, negated);
            }
            else
            {
                return value;
            }
        }
    }

    /// <summary>The arguments of a call, after its <c>(</c>.</summary>
    private ArgumentExprs Arguments(Expr? callee)
    {
        var positional = new List<Expr>();
        var named = new List<(string, Expr)>();
        var what = callee is NameExpr name ? $"the call of {name.Name}()" : "the call";
        while (!TakeIf(")"))
        {
            if (positional.Count + named.Count > 0)
            {
                Expect(",", $"or ) in {what}");
                if (TakeIf(")"))
                {
                    break;
                }
            }

            if (Peek.Is("*") || Peek.Is("**"))
            {
                throw Error(Peek.Position, "*args and **kwargs in calls are not supported");
            }

            if (Peek.Kind == TokenKind.Name && PeekAt(1).Is("="))
            {
                var key = Take().Value;
                _next++;
                named.Add((key, Expression()));
            }
            else if (named.Count > 0)
            {
                throw Error(Peek.Position, $"a positional argument follows a keyword argument in {what}");
            }
            else
            {
                positional.Add(Expression());
            }
        }

        return new ArgumentExprs(positional, named);
    }
}
