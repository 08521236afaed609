using System.Text.RegularExpressions;

namespace Strata.Transform.Project;

/// <summary>
/// dbt snapshots: <c>{% snapshot name %}…{% endsnapshot %}</c> blocks in the <c>.sql</c> files under the snapshot
/// paths. One that reads a Strata changelog runs as a Strata <c>history</c> model — exact history from the changelog,
/// every version rather than the ones a timestamp or check strategy samples — and its strategy is checked, then moot.
/// One that reads anything else (an ordinary table, a seed, a model) runs with dbt's semantics as a
/// <see cref="Materializations.Snapshot"/>. Its dbt configs are translated (<c>target_schema</c> → schema) or
/// checked; anything else is refused in one line.
/// </summary>
internal static partial class SnapshotBlocks
{
    /// <summary>dbt's snapshot strategies.</summary>
    private static readonly string[] Strategies = ["timestamp", "check"];

    /// <summary>The configs that say how a snapshot samples its select: kept apart from the model's settings.</summary>
    private static readonly string[] Sampling = ["strategy", "updated_at", "check_cols", "hard_deletes", "invalidate_hard_deletes", "dbt_valid_to_current"];

    /// <summary>The blocks of one file: name, body (padded with the lines before it so positions stay right) and the block's line.</summary>
    public static IEnumerable<(string Name, string Body, int Line)> Read(string text, string path)
    {
        var blocks = Block().Matches(text);
        if (blocks.Count != Opening().Matches(text).Count)
        {
            throw new TransformException($"{path}: a {{% snapshot %}} block is not closed with {{% endsnapshot %}}, or has no name");
        }

        foreach (Match block in blocks)
        {
            var body = block.Groups["body"];
            var before = text.AsSpan(0, body.Index).Count('\n');
            yield return (block.Groups["name"].Value, new string('\n', before) + body.Value, text.AsSpan(0, block.Index).Count('\n') + 1);
        }
    }

    /// <summary>
    /// Turns the snapshot's dbt configs into model settings: <c>target_schema</c> (or <c>schema</c>) is its schema,
    /// <c>materialized</c> is <c>history</c> until <see cref="Resolve"/> knows what it reads; <c>unique_key</c> is
    /// required. The sampling configs (<c>strategy</c>, <c>updated_at</c>, <c>check_cols</c>, <c>hard_deletes</c>…)
    /// are checked, taken out and returned.
    /// </summary>
    public static Dictionary<string, object?> Translate(Dictionary<string, object?> settings, Model model, int line)
    {
        if (settings.Remove("target_schema", out var schema))
        {
            settings["schema"] = schema;
        }

        var sampling = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var key in Sampling)
        {
            if (settings.Remove(key, out var value) && value is not null)
            {
                sampling[key] = value;
            }
        }

        if (sampling.TryGetValue("strategy", out var strategy) && !Strategies.Contains(strategy as string))
        {
            throw Error(model, line, $"strategy='{strategy}' is not a snapshot strategy; dbt's are timestamp and check");
        }

        if (sampling.TryGetValue("hard_deletes", out var deletes) && deletes is not ("new_record" or "invalidate" or "ignore"))
        {
            throw Error(model, line, $"hard_deletes='{deletes}' is not ignore, invalidate or new_record");
        }

        settings.Remove("target_database");
        if (settings.TryGetValue("materialized", out var materialized) && materialized is not Materializations.History)
        {
            throw Error(model, line, $"is a snapshot; it cannot be materialized='{materialized}'");
        }

        if (ModelConfigs.Strings(settings.GetValueOrDefault("unique_key")).Count == 0)
        {
            throw Error(model, line, "needs unique_key: the column (or list of columns) that identifies a row of its select");
        }

        settings["materialized"] = Materializations.History;
        return sampling;
    }

    /// <summary>
    /// Once its reads are known: a snapshot of a changelog stays <c>history</c> and must read only changelogs; any
    /// other becomes a <see cref="Materializations.Snapshot"/> with the sampling dbt's configs ask for.
    /// </summary>
    public static void Resolve(Model model, AnalyticsProject project, Dictionary<string, object?> sampling, int line)
    {
        if (ReadsChangelog(model, project))
        {
            RequireChangelog(model, project.Sources, line);
            return;
        }

        var strategy = sampling.GetValueOrDefault("strategy") as string
            ?? throw Error(model, line, "needs strategy='timestamp' (with updated_at) or strategy='check' (with check_cols), as dbt does for a table that is not a Strata changelog");
        var updatedAt = sampling.GetValueOrDefault("updated_at") as string;
        if (strategy == "timestamp" && string.IsNullOrWhiteSpace(updatedAt))
        {
            throw Error(model, line, "has strategy='timestamp' and needs updated_at='column', the column that tells when a row last changed");
        }

        var checkCols = ModelConfigs.Strings(sampling.GetValueOrDefault("check_cols"));
        if (strategy == "check" && checkCols.Count == 0)
        {
            throw Error(model, line, "has strategy='check' and needs check_cols: a list of columns, or 'all'");
        }

        var hardDeletes = sampling.GetValueOrDefault("hard_deletes") as string
            ?? (sampling.GetValueOrDefault("invalidate_hard_deletes") is true or "true" or "True" ? "invalidate" : "ignore");
        if (sampling.GetValueOrDefault("dbt_valid_to_current") is { } current and not string)
        {
            throw Error(model, line, $"dbt_valid_to_current is an SQL expression in a string (\"to_date('9999-12-31')\"), not {current}");
        }

        model.Snapshot = new SnapshotOptions(
            strategy, updatedAt, checkCols is ["all"] ? null : checkCols, hardDeletes, sampling.GetValueOrDefault("dbt_valid_to_current") as string, line);
        model.Config = model.Config with { Materialized = Materializations.Snapshot };
    }

    /// <summary>A snapshot reads a changelog when it reads one directly or through the ephemeral models it inlines.</summary>
    private static bool ReadsChangelog(Model model, AnalyticsProject project) =>
        model.SourceRefs.Any(read => project.Sources.Any(s => s.FullName == read && s.IsChangelog))
        || model.Refs.Select(r => project.Models.FirstOrDefault(m => m.Name == r))
            .Any(m => m?.Config is { Materialized: Materializations.Ephemeral } && ReadsChangelog(m, project));

    /// <summary>A snapshot of a changelog reads only changelogs: its exact history could not cover another table's changes.</summary>
    private static void RequireChangelog(Model model, IReadOnlyList<SourceTable> sources, int line)
    {
        foreach (var read in model.SourceRefs)
        {
            if (sources.FirstOrDefault(s => s.FullName == read) is { IsChangelog: false })
            {
                throw Error(model, line, $"reads source {read}, which is not a Strata changelog, next to a changelog; a snapshot of a changelog is its exact history " +
                    "and reads changelogs only (snapshot the other table on its own, with dbt's strategies)");
            }
        }
    }

    private static TransformException Error(Model model, int line, string what) => new($"{model.Path}:{line}: snapshot {model.Name} {what}");

    [GeneratedRegex(@"\{%-?\s*snapshot\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*-?%\}(?<body>.*?)\{%-?\s*endsnapshot\s*-?%\}", RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"\{%-?\s*snapshot\b")]
    private static partial Regex Opening();
}
