using Strata.Transform.Templating.Jinja;

namespace Strata.Transform.Templating;

/// <summary>
/// Built-in macros whose SQL differs by engine, so models stay portable: a model calls
/// <c>{{ days_between('order_date', 'delivery_date') }}</c>, never <c>if engine == 'duckdb'</c>.
/// </summary>
internal static class AdapterMacros
{
    /// <summary>The changelog columns a <c>current_state</c> or <c>history</c> model carries through.</summary>
    public const string ChangelogColumns = "_op, _lsn, _seq, _commit_ts";

    public static void Register(Frame globals, RenderScope scope)
    {
        SqlTemplates.Define(globals, "changelog_columns", args =>
        {
            args.AtMost(0);
            return ChangelogColumns;
        });
        SqlTemplates.Define(globals, "days_between", args =>
        {
            var from = SqlTemplates.Text(args.AtMost(2), 0, scope);
            var to = SqlTemplates.Text(args, 1, scope);
            return scope.Warehouse?.DaysBetweenSql(from, to) ?? $"days_between({from}, {to})";
        });
        SqlTemplates.Define(globals, "hash_text", args =>
        {
            var expression = SqlTemplates.Text(args.AtMost(1), 0, scope);
            return scope.Warehouse?.HashTextSql(expression) ?? $"hash_text({expression})";
        });
    }
}
