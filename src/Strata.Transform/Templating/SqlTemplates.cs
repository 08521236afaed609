using System.Text.RegularExpressions;
using Fluid;
using Fluid.Values;

namespace Strata.Transform.Templating;

/// <summary>
/// Liquid templates for SQL, with Fluid: parsed once, rendered with dbt-like functions (<c>ref</c>, <c>source</c>,
/// <c>this</c>, <c>is_incremental()</c>, <c>var</c>, <c>config</c>, adapter macros) and the project's macros.
/// Unknown names are errors, never empty text, and nothing is HTML-encoded.
/// </summary>
internal static partial class SqlTemplates
{
    private static readonly FluidParser Parser = new(new FluidParserOptions { AllowFunctions = true });

    /// <summary>Parses a template; a syntax error names the file and the line.</summary>
    public static IFluidTemplate Parse(string text, string path)
    {
        if (IncrementalWithoutCall().Match(text) is { Success: true } bare)
        {
            throw new TransformException(
                $"{path}:{LineOf(text, bare.Index)}: write is_incremental() with parentheses (without them the condition is always true)");
        }

        if (!Parser.TryParse(text, out var template, out var error))
        {
            throw new TransformException($"{path}: template error: {error}");
        }

        return template;
    }

    /// <summary>Renders <paramref name="template"/> after the macro files, with the functions of <paramref name="scope"/>.</summary>
    public static async Task<string> RenderAsync(IFluidTemplate template, IEnumerable<IFluidTemplate> macros, RenderScope scope)
    {
        var options = new TemplateOptions { StrictVariables = true };
        var context = new TemplateContext(options);
        context.SetValue("ref", new FunctionValue((args, _) =>
        {
            var name = Text(args, 0, "ref", scope);
            scope.Refs.Add(name);
            return new StringValue(scope.Ref(name));
        }));
        context.SetValue("source", new FunctionValue((args, _) =>
        {
            var source = Text(args, 0, "source", scope);
            var table = Text(args, 1, "source", scope);
            scope.Sources.Add($"{source}.{table}");
            return new StringValue(scope.Source(source, table));
        }));
        context.SetValue("this", new StringValue(scope.This));
        if (scope.Param is { } param)
        {
            context.SetValue("param", new FunctionValue((args, _) => new StringValue(param(Text(args, 0, "param", scope)))));
        }

        context.SetValue("is_incremental", new FunctionValue((_, _) => BooleanValue.Create(scope.IsIncremental)));
        context.SetValue("var", new FunctionValue((args, ctx) =>
        {
            var name = Text(args, 0, "var", scope);
            if (scope.Vars.TryGetValue(name, out var value))
            {
                return FluidValue.Create(value, ctx.Options);
            }

            return args.Count > 1 ? args.At(1) : throw new TransformException(
                $"{scope.Path}: {scope.Subject} uses var('{name}'), which strata_project.yml does not define and has no default; add it under vars:");
        }));
        context.SetValue("config", new FunctionValue((args, _) =>
        {
            foreach (var name in args.Names)
            {
                scope.Config[name] = ToClr(args[name]);
            }

            return StringValue.Empty;
        }));
        AdapterMacros.Register(context, scope);

        try
        {
            foreach (var macro in macros)
            {
                // Not isolated: the macros it defines must stay in the context the model renders in.
                await macro.RenderAsync(context, NullEncoder.Default, isolateContext: false);
            }

            return await template.RenderAsync(context, NullEncoder.Default);
        }
        catch (TransformException)
        {
            throw;
        }
        catch (Exception ex) when (ex is Fluid.FluidException or InvalidOperationException or ArgumentException or FormatException or Fluid.ParseException)
        {
            throw new TransformException($"{scope.Path}: {scope.Subject} does not render: {ex.Message}", ex);
        }
    }

    internal static string Text(FunctionArguments args, int index, string function, RenderScope scope)
    {
        if (args.Count <= index || args.At(index).IsNil())
        {
            throw new TransformException($"{scope.Path}: {scope.Subject} calls {function}() with too few arguments");
        }

        return args.At(index).ToStringValue();
    }

    private static object? ToClr(FluidValue value) => value switch
    {
        ArrayValue array => array.Values.Select(v => v.ToStringValue()).ToList(),
        BooleanValue boolean => boolean.ToBooleanValue(),
        NilValue => null,
        _ => value.ToStringValue(),
    };

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    [GeneratedRegex(@"\bis_incremental\b(?!\s*\()")]
    private static partial Regex IncrementalWithoutCall();
}
