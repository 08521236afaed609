using Strata.Transform.Templating.Jinja;

namespace Strata.Transform.Templating;

/// <summary>
/// Jinja templates for SQL (dbt's common subset, with our own engine in <c>Jinja/</c>): parsed once, rendered with
/// dbt-like globals (<c>ref</c>, <c>source</c>, <c>this</c>, <c>is_incremental()</c>, <c>var</c>, <c>config</c>,
/// <c>env_var</c>, <c>target</c>, <c>adapter.dispatch</c>, <c>run_query</c>, adapter macros) and the project's macros.
/// Unknown names are errors, never empty text; nothing is HTML-encoded; every mistake is <c>path:line:column: what</c>.
/// </summary>
internal static class SqlTemplates
{
    /// <summary>Parses a template; a syntax error names the file, line and column.</summary>
    public static SqlTemplate Parse(string text, string path) => new(path, Parser.Parse(text, path));

    /// <summary>Renders <paramref name="template"/> after the macro files, with the functions of <paramref name="scope"/>.</summary>
    public static Task<string> RenderAsync(SqlTemplate template, IEnumerable<SqlTemplate> macros, RenderScope scope)
    {
        var renderer = new Renderer(scope.Subject, template.Path);
        var globals = renderer.Globals;
        RegisterGlobals(globals, scope, renderer);
        AdapterMacros.Register(globals, scope);
        foreach (var macro in macros)
        {
            // Rendered for their definitions only: the macros land in the globals the model renders in.
            renderer.Render(macro.Nodes, macro.Path);
        }

        return Task.FromResult(renderer.Render(template.Nodes, template.Path));
    }

    internal static void Define(Frame globals, string name, Func<Arguments, object?> body) => globals.Set(name, new BuiltinFunction(name, body));

    /// <summary>Argument <paramref name="index"/> as text; missing or none is an error naming the subject.</summary>
    internal static string Text(Arguments args, int index, RenderScope scope) =>
        index < args.Count && args.Positional[index] is { } value
            ? Values.Text(value)
            : throw new TemplateError($"{scope.Subject} calls {args.Function}() with too few arguments");

    private static void RegisterGlobals(Frame globals, RenderScope scope, Renderer renderer)
    {
        Define(globals, "ref", args =>
        {
            args.AtMost(2);
            var name = Text(args, args.Count == 2 ? 1 : 0, scope);
            if (args.Count == 2 && Text(args, 0, scope) is var package && package != scope.ProjectName)
            {
                throw new TemplateError($"ref('{package}', '{name}'): there are no packages; '{package}' is not this project ({scope.ProjectName})");
            }

            scope.Refs.Add(name);
            return scope.Ref(name);
        });
        Define(globals, "source", args =>
        {
            var source = Text(args.AtMost(2), 0, scope);
            var table = Text(args, 1, scope);
            scope.Sources.Add($"{source}.{table}");
            return scope.Source(source, table);
        });
        globals.Set("this", scope.This);
        if (scope.Param is { } param)
        {
            Define(globals, "param", args => param(Text(args.AtMost(1), 0, scope)));
        }

        Define(globals, "is_incremental", args =>
        {
            args.AtMost(0);
            return scope.IsIncremental;
        });
        Define(globals, "var", args =>
        {
            var name = Text(args.AtMost(2), 0, scope);
            if (scope.Vars.TryGetValue(name, out var value))
            {
                return Values.FromClr(value);
            }

            return args.Count > 1 ? args.Positional[1] : throw new TemplateError(
                $"{scope.Subject} uses var('{name}'), which strata_project.yml does not define and has no default; add it under vars:");
        });
        Define(globals, "env_var", args =>
        {
            var name = Text(args.AtMost(2), 0, scope);
            return scope.EnvironmentVariable(name) ?? (args.Count > 1
                ? args.Positional[1]
                : throw new TemplateError($"env_var('{name}') is not set and has no default"));
        });
        Define(globals, "config", args =>
        {
            if (args.Count > 0)
            {
                throw new TemplateError("config() takes keyword arguments: config(materialized='table')");
            }

            foreach (var (name, value) in args.Named)
            {
                scope.Config[name] = ToClr(value);
            }

            return "";
        });
        globals.Set("target", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = scope.TargetName,
            ["schema"] = scope.TargetSchema,
            ["type"] = scope.TargetType,
        });
        globals.Set("adapter", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["dispatch"] = new BuiltinFunction("adapter.dispatch", args => Dispatch(globals, Text(args.AtMost(2, "macro_name", "macro_namespace"), 0, scope), scope)),
        });
        globals.Set("execute", scope.Warehouse is not null);
        Define(globals, "run_query", args => QueryTable.Run(scope.Warehouse, Text(args.AtMost(1, "sql"), 0, scope)));
        Define(globals, "return", args => renderer.Return(args.AtMost(1).Required(0, "value")));
        Define(globals, "range", args => Range(args.AtMost(3)));
    }

    /// <summary><c>adapter.dispatch('name')</c>: the engine's <c>duckdb__name</c>, else <c>default__name</c>, else <c>name</c>.</summary>
    private static Callable Dispatch(Frame globals, string name, RenderScope scope)
    {
        foreach (var candidate in new[] { $"{scope.TargetType}__{name}", $"default__{name}", name })
        {
            if (globals.TryGet(candidate, out var found) && found is Callable callable)
            {
                return callable;
            }
        }

        throw new TemplateError($"adapter.dispatch('{name}') finds no macro {scope.TargetType}__{name}, default__{name} or {name}");
    }

    private static List<object?> Range(Arguments args)
    {
        long Integer(int index) => args.Positional[index] as long? ?? throw new TemplateError("range() takes integers");
        var (start, stop) = args.Count switch
        {
            0 => throw new TemplateError("range() needs a stop"),
            1 => (0L, Integer(0)),
            _ => (Integer(0), Integer(1)),
        };
        var step = args.Count > 2 ? Integer(2) : 1L;
        if (step == 0)
        {
            throw new TemplateError("range() step must not be zero");
        }

        var values = new List<object?>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            values.Add(i);
            if (values.Count > 100_000)
            {
                throw new TemplateError("range() of more than 100000 numbers");
            }
        }

        return values;
    }

    /// <summary>Config values as the project's settings read them: lists of text, booleans, text.</summary>
    private static object? ToClr(object? value) => value switch
    {
        List<object?> list => list.Select(Values.Text).ToList(),
        bool boolean => boolean,
        null => null,
        _ => Values.Text(value),
    };
}
