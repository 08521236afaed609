using System.Text.RegularExpressions;

namespace Strata.Transform.Project;

/// <summary>
/// dbt snapshots: <c>{% snapshot name %}…{% endsnapshot %}</c> blocks in the <c>.sql</c> files under the snapshot
/// paths. Each runs as a Strata <c>history</c> model — exact history from the changelog, every version rather than
/// the ones a timestamp or check strategy samples — so a snapshot must read a Strata changelog. Its dbt configs are
/// translated (<c>target_schema</c> → schema) or checked; anything else is refused in one line.
/// </summary>
internal static partial class SnapshotBlocks
{
    /// <summary>dbt's snapshot configs that the changelog's exact history makes moot once checked.</summary>
    private static readonly string[] Strategies = ["timestamp", "check"];

    /// <summary>The blocks of one file: name, body (padded with the lines before it so positions stay right) and path.</summary>
    public static IEnumerable<(string Name, string Body)> Read(string text, string path)
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
            yield return (block.Groups["name"].Value, new string('\n', before) + body.Value);
        }
    }

    /// <summary>
    /// Turns the snapshot's dbt configs into the history model's settings: <c>target_schema</c> (or <c>schema</c>) is
    /// its schema; <c>strategy</c>, <c>updated_at</c>, <c>check_cols</c> and <c>hard_deletes</c> are checked and
    /// dropped; <c>materialized</c> is <c>history</c>.
    /// </summary>
    public static void Translate(Dictionary<string, object?> settings, Model model)
    {
        if (settings.Remove("target_schema", out var schema))
        {
            settings["schema"] = schema;
        }

        if (settings.Remove("strategy", out var strategy) && !Strategies.Contains(strategy as string))
        {
            throw Error(model, $"strategy='{strategy}' is not a snapshot strategy; dbt's are timestamp and check");
        }

        if (settings.Remove("hard_deletes", out var deletes) && deletes is not ("new_record" or "invalidate" or "ignore"))
        {
            throw Error(model, $"hard_deletes='{deletes}' is not ignore, invalidate or new_record");
        }

        settings.Remove("updated_at");
        settings.Remove("check_cols");
        settings.Remove("invalidate_hard_deletes");
        settings.Remove("target_database");
        if (settings.TryGetValue("materialized", out var materialized) && materialized is not Materializations.History)
        {
            throw Error(model, $"is a snapshot; it cannot be materialized='{materialized}'");
        }

        settings["materialized"] = Materializations.History;
    }

    /// <summary>A snapshot must read a changelog: dbt's sampling of other tables by timestamp or check columns is not built.</summary>
    public static void RequireChangelog(Model model, IReadOnlyList<SourceTable> sources)
    {
        foreach (var read in model.SourceRefs)
        {
            if (sources.FirstOrDefault(s => s.FullName == read) is { IsChangelog: false })
            {
                throw Error(model, $"reads source {read}, which is not a Strata changelog (changelog: true); snapshots run as exact history from a changelog, " +
                    "and dbt's timestamp and check strategies over other tables are not supported yet");
            }
        }
    }

    private static TransformException Error(Model model, string what) => new($"{model.Path}: snapshot {model.Name} {what}");

    [GeneratedRegex(@"\{%-?\s*snapshot\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*-?%\}(?<body>.*?)\{%-?\s*endsnapshot\s*-?%\}", RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"\{%-?\s*snapshot\b")]
    private static partial Regex Opening();
}
