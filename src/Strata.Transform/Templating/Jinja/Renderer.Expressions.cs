namespace Strata.Transform.Templating.Jinja;

/// <summary>Evaluating expressions; a <see cref="TemplateError"/> is placed at the innermost expression it came from.</summary>
internal sealed partial class Renderer
{
    private object? Eval(Expr expr, Frame frame)
    {
        try
        {
            return expr switch
            {
                LiteralExpr literal => literal.Value,
                NameExpr name => frame.TryGet(name.Name, out var value) ? value : throw new TemplateError(Undefined(name.Name)),
                ListExpr list => list.Items.Select(item => Eval(item, frame)).ToList(),
                DictExpr dict => Dict(dict, frame),
                UnaryExpr unary => Unary(unary, frame),
                BinaryExpr binary => Binary(binary, frame),
                ConditionalExpr conditional => Values.IsTrue(Eval(conditional.Test, frame))
                    ? Eval(conditional.Then, frame)
                    : Eval(conditional.Otherwise, frame),
                AttributeExpr attribute => Attribute(Eval(attribute.Target, frame), attribute.Name, attribute.Target),
                ItemExpr item => Item(Eval(item.Target, frame), Eval(item.Key, frame)),
                CallExpr call => Call(call, frame),
                FilterExpr filter => Filter(filter, frame),
                TestExpr test => Test(test, frame) != test.Negated,
                _ => throw new TemplateError($"cannot evaluate {expr.GetType().Name}"),
            };
        }
        catch (TemplateError error)
        {
            throw Error(expr.Position, error.Message);
        }
    }

    private static string Undefined(string name) => name switch
    {
        "forloop" => "'forloop' is undefined (Liquid); templates are Jinja: write loop.index, loop.first, loop.last",
        "dbt_utils" or "dbt_expectations" or "dbt_date" or "audit_helper" or "codegen" or "metrics" =>
            $"'{name}' is undefined: it is a dbt package, and packages are not supported (docs/dbt.md); write the SQL or a macro of your own",
        _ => $"'{name}' is undefined",
    };

    private Dictionary<string, object?> Dict(DictExpr dict, Frame frame)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in dict.Entries)
        {
            result[Values.Text(Eval(key, frame))] = Eval(value, frame);
        }

        return result;
    }

    private object? Unary(UnaryExpr unary, Frame frame)
    {
        var value = Eval(unary.Operand, frame);
        return (unary.Op, value) switch
        {
            ("not", _) => !Values.IsTrue(value),
            ("-", long l) => -l,
            ("-", double d) => -d,
            ("+", long or double) => value,
            _ => throw new TemplateError($"cannot apply unary {unary.Op} to {Values.TypeName(value)}"),
        };
    }

    private object? Binary(BinaryExpr binary, Frame frame)
    {
        var left = Eval(binary.Left, frame);
        switch (binary.Op)
        {
            case "and":
                return Values.IsTrue(left) ? Eval(binary.Right, frame) : left;
            case "or":
                return Values.IsTrue(left) ? left : Eval(binary.Right, frame);
        }

        var right = Eval(binary.Right, frame);
        return binary.Op switch
        {
            "~" => Values.Text(left) + Values.Text(right),
            "==" => Values.AreEqual(left, right),
            "!=" => !Values.AreEqual(left, right),
            "<" => Values.Compare(left, right) < 0,
            "<=" => Values.Compare(left, right) <= 0,
            ">" => Values.Compare(left, right) > 0,
            ">=" => Values.Compare(left, right) >= 0,
            "in" => Values.Contains(right, left),
            "not in" => !Values.Contains(right, left),
            _ => Values.Arithmetic(binary.Op, left, right),
        };
    }

    private static object? Attribute(object? target, string name, Expr of)
    {
        if (TryAttribute(target, name, out var value))
        {
            return value;
        }

        return Methods.Has(target, name)
            ? throw new TemplateError($"{Describe(of)}.{name} is a method; call it: {Describe(of)}.{name}()")
            : throw new TemplateError($"{Describe(of)} ({Values.TypeName(target)}) has no attribute '{name}'");
    }

    private static bool TryAttribute(object? target, string name, out object? value)
    {
        if (target is Dictionary<string, object?> dict && dict.TryGetValue(name, out value))
        {
            return true;
        }

        value = null;
        return false;
    }

    private static object? Item(object? target, object? key)
    {
        if (TryItem(target, key, out var value))
        {
            return value;
        }

        return target is Dictionary<string, object?>
            ? throw new TemplateError($"the dict has no key {Values.Repr(key)}")
            : throw new TemplateError($"cannot index {Values.TypeName(target)} with {Values.Repr(key)}");
    }

    private static bool TryItem(object? target, object? key, out object? value)
    {
        value = null;
        switch (target, key)
        {
            case (List<object?> list, long index) when index >= -list.Count && index < list.Count:
                value = list[(int)(index < 0 ? list.Count + index : index)];
                return true;
            case (string s, long index) when index >= -s.Length && index < s.Length:
                value = s[(int)(index < 0 ? s.Length + index : index)].ToString();
                return true;
            case (Dictionary<string, object?> dict, _):
                return dict.TryGetValue(Values.Text(key), out value);
            default:
                return false;
        }
    }

    /// <summary>Resolves an expression that may name nothing (for <c>is defined</c> and <c>default</c>): false when it does not.</summary>
    private bool TryResolve(Expr expr, Frame frame, out object? value)
    {
        switch (expr)
        {
            case NameExpr name:
                return frame.TryGet(name.Name, out value);
            case AttributeExpr attribute:
                value = null;
                return TryResolve(attribute.Target, frame, out var target) && TryAttribute(target, attribute.Name, out value);
            case ItemExpr item:
                value = null;
                return TryResolve(item.Target, frame, out var container) && TryItem(container, Eval(item.Key, frame), out value);
            default:
                value = Eval(expr, frame);
                return true;
        }
    }

    private object? Call(CallExpr call, Frame frame)
    {
        var name = Describe(call.Callee);
        var arguments = Evaluate(call.Arguments, name, frame);
        if (call.Callee is AttributeExpr method)
        {
            var target = Eval(method.Target, frame);
            if (TryAttribute(target, method.Name, out var member))
            {
                return Invoke(member, name, arguments);
            }

            return Methods.TryCall(target, method.Name, arguments, out var result)
                ? result
                : throw new TemplateError($"{Describe(method.Target)} ({Values.TypeName(target)}) has no method '{method.Name}'");
        }

        return Invoke(Eval(call.Callee, frame), name, arguments);
    }

    private object? Invoke(object? callee, string name, Arguments arguments) => callee is Callable callable
        ? callable.Invoke(arguments, this)
        : throw new TemplateError($"{name} is {Values.TypeName(callee)}, not something to call");

    private Arguments Evaluate(ArgumentExprs arguments, string function, Frame frame)
    {
        var positional = arguments.Positional.Select(a => Eval(a, frame)).ToList();
        var named = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in arguments.Named)
        {
            named[key] = Eval(value, frame);
        }

        return new Arguments(function, positional, named);
    }

    private object? Filter(FilterExpr filter, Frame frame)
    {
        if (filter.Name is "default" or "d")
        {
            // default sees undefined names without failing on them: that is its purpose.
            var arguments = Evaluate(filter.Arguments, filter.Name, frame).AtMost(2, "default_value", "boolean");
            var fallback = arguments.Optional(0, "default_value", "");
            var defined = TryResolve(filter.Operand, frame, out var value);
            return !defined || (Values.IsTrue(arguments.Optional(1, "boolean", false)) && !Values.IsTrue(value)) ? fallback : value;
        }

        var operand = Eval(filter.Operand, frame);
        return Filters.Apply(filter.Name, operand, Evaluate(filter.Arguments, filter.Name, frame));
    }

    private bool Test(TestExpr test, Frame frame)
    {
        if (test.Name is "defined" or "undefined")
        {
            return TryResolve(test.Operand, frame, out _) == (test.Name == "defined");
        }

        var value = Eval(test.Operand, frame);
        return test.Name switch
        {
            "none" => value is null,
            "string" => value is string,
            "number" => value is long or double,
            "integer" => value is long,
            "float" => value is double,
            "boolean" => value is bool,
            "true" => value is true,
            "false" => value is false,
            "mapping" => value is Dictionary<string, object?>,
            "sequence" or "iterable" => value is List<object?> or string or Dictionary<string, object?>,
            "callable" => value is Callable,
            "odd" => value is long l && l % 2 != 0,
            "even" => value is long e && e % 2 == 0,
            _ => throw new TemplateError($"unknown test 'is {test.Name}'"),
        };
    }

    /// <summary>An expression as messages name it: <c>target.name</c>, <c>ref</c>.</summary>
    private static string Describe(Expr expr) => expr switch
    {
        NameExpr name => name.Name,
        AttributeExpr attribute => Describe(attribute.Target) + "." + attribute.Name,
        CallExpr call => Describe(call.Callee) + "()",
        _ => "the value",
    };
}
