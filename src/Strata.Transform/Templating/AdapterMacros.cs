using Fluid;
using Fluid.Values;

namespace Strata.Transform.Templating;

/// <summary>
/// Built-in macros whose SQL differs by engine, so models stay portable: a model calls
/// <c>{{ days_between('order_date', 'delivery_date') }}</c>, never <c>if engine == 'duckdb'</c>.
/// </summary>
internal static class AdapterMacros
{
    /// <summary>The changelog columns a <c>current_state</c> or <c>history</c> model carries through.</summary>
    public const string ChangelogColumns = "_op, _lsn, _seq, _commit_ts";

    public static void Register(TemplateContext context, RenderScope scope)
    {
        context.SetValue("changelog_columns", new FunctionValue((_, _) => new StringValue(ChangelogColumns)));
        context.SetValue("days_between", new FunctionValue((args, _) =>
        {
            var from = SqlTemplates.Text(args, 0, "days_between", scope);
            var to = SqlTemplates.Text(args, 1, "days_between", scope);
            return new StringValue(scope.Warehouse?.DaysBetweenSql(from, to) ?? $"days_between({from}, {to})");
        }));
        context.SetValue("hash_text", new FunctionValue((args, _) =>
        {
            var expression = SqlTemplates.Text(args, 0, "hash_text", scope);
            return new StringValue(scope.Warehouse?.HashTextSql(expression) ?? $"hash_text({expression})");
        }));
    }
}
