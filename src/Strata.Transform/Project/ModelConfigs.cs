using System.Globalization;
using Strata.Text;

namespace Strata.Transform.Project;

/// <summary>Turns the merged settings of a model into a checked <see cref="ModelConfig"/>.</summary>
internal static class ModelConfigs
{
    private static readonly string[] Known = ["materialized", "schema", "unique_key", "incremental_strategy", "tags", "enabled", "severity"];
    private static readonly string[] Strategies = ["merge", "append", "delete+insert"];

    public static ModelConfig From(Dictionary<string, object?> settings, IReadOnlyList<string>? tags, Model model, string? ymlPath)
    {
        foreach (var key in settings.Keys.Where(k => !Known.Contains(k)))
        {
            throw Error(model, $"has an unknown config '{key}'{Suggestions.DidYouMean(key, Known)}");
        }

        var materialized = settings.GetValueOrDefault("materialized") as string ?? Materializations.View;
        if (!Materializations.All.Contains(materialized))
        {
            throw Error(model, $"materialized='{materialized}' is not a materialization{Suggestions.DidYouMean(materialized, Materializations.All)}; use one of {string.Join(", ", Materializations.All)}");
        }

        var strategy = settings.GetValueOrDefault("incremental_strategy") as string ?? "merge";
        if (!Strategies.Contains(strategy))
        {
            throw Error(model, $"incremental_strategy='{strategy}' is not one of {string.Join(", ", Strategies)}");
        }

        var uniqueKey = Strings(settings.GetValueOrDefault("unique_key"));
        var needsKey = Materializations.ReadsChangelog(materialized) || (materialized == Materializations.Incremental && strategy != "append");
        if (needsKey && uniqueKey.Count == 0)
        {
            throw Error(model, $"is {materialized}{(materialized == Materializations.Incremental ? $" ({strategy})" : "")} and needs unique_key (config(unique_key='id') or in {ymlPath ?? "its yml"})");
        }

        var enabled = settings.GetValueOrDefault("enabled") switch
        {
            null => true,
            bool b => b,
            string s => !string.Equals(s, "false", StringComparison.OrdinalIgnoreCase),
            var other => Convert.ToBoolean(other, CultureInfo.InvariantCulture),
        };
        return new ModelConfig(
            materialized,
            settings.GetValueOrDefault("schema") as string ?? "analytics",
            uniqueKey,
            strategy,
            Strings(settings.GetValueOrDefault("tags")).Concat(tags ?? []).Distinct().ToList(),
            enabled);
    }

    public static IReadOnlyList<string> Strings(object? value) => value switch
    {
        null => [],
        string s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        IEnumerable<object> list => list.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)!).ToList(),
        _ => [Convert.ToString(value, CultureInfo.InvariantCulture)!],
    };

    private static TransformException Error(Model model, string what) => new($"{model.Path}: model {model.Name} {what}");
}
