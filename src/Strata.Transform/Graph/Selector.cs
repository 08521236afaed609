using Strata.Text;
using Strata.Transform.Project;

namespace Strata.Transform.Graph;

/// <summary>
/// dbt-style selection: <c>name</c>, <c>+name</c> (with upstream), <c>name+</c> (with downstream), <c>tag:x</c>,
/// <c>path:models/gold</c>, <c>source:bronze.orders+</c>; several criteria are a union, <c>--exclude</c> subtracts.
/// </summary>
public static class Selector
{
    /// <summary>The models <paramref name="select"/> picks (all when empty) minus those <paramref name="exclude"/> picks.</summary>
    public static HashSet<string> Select(ProjectGraph graph, IReadOnlyList<string> select, IReadOnlyList<string> exclude)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var chosen = select.Count == 0
            ? graph.Order.Select(m => m.Name).ToHashSet(StringComparer.Ordinal)
            : Pick(graph, select);
        chosen.ExceptWith(Pick(graph, exclude));
        return chosen;
    }

    private static HashSet<string> Pick(ProjectGraph graph, IReadOnlyList<string> criteria)
    {
        var picked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var criterion in criteria.SelectMany(c => c.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)))
        {
            var upstream = criterion.StartsWith('+');
            var downstream = criterion.EndsWith('+');
            var core = criterion.Trim('+');
            var direct = Match(graph, core, criterion);
            foreach (var name in direct.ToList())
            {
                if (upstream && graph.Contains(name))
                {
                    direct.UnionWith(graph.Ancestors(name));
                }

                if (downstream)
                {
                    direct.UnionWith(graph.Descendants(name));
                }
            }

            picked.UnionWith(direct.Where(graph.Contains));
        }

        return picked;
    }

    private static HashSet<string> Match(ProjectGraph graph, string core, string criterion)
    {
        var models = graph.Order;
        HashSet<string> found;
        if (core.StartsWith("resource_type:", StringComparison.Ordinal))
        {
            Func<Model, bool> kind = core[14..] switch
            {
                "seed" => m => m.Seed is not null,
                "snapshot" => m => m.IsSnapshot,
                // dbt's resource types are disjoint: a snapshot is not a model.
                "model" => m => m.Seed is null && !m.IsSnapshot,
                var other => throw new TransformException($"--select/--exclude {criterion}: resource_type is model, seed or snapshot, not '{other}'"),
            };
            found = models.Where(kind).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        }
        else if (core.StartsWith("tag:", StringComparison.Ordinal))
        {
            found = models.Where(m => m.Config.Tags.Contains(core[4..])).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        }
        else if (core.StartsWith("path:", StringComparison.Ordinal))
        {
            var path = core[5..].TrimEnd('/');
            found = models.Where(m => m.Path == path || m.Path.StartsWith(path + "/", StringComparison.Ordinal) || m.Path.StartsWith("models/" + path + "/", StringComparison.Ordinal))
                .Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        }
        else if (core.StartsWith("source:", StringComparison.Ordinal))
        {
            var source = core[7..];
            found = graph.Project.Sources.Where(s => s.FullName == source || s.Source == source).Select(s => "source:" + s.FullName).ToHashSet(StringComparer.Ordinal);
            // A source itself is not built; its direct readers are what it selects.
            found = found.SelectMany(s => graph.ChildrenOf(s).Append(s)).ToHashSet(StringComparer.Ordinal);
        }
        else
        {
            if (!graph.Contains(core))
            {
                throw new TransformException($"--select/--exclude {criterion}: no model {core}{Suggestions.DidYouMean(core, models.Select(m => m.Name))}");
            }

            found = new HashSet<string>([core], StringComparer.Ordinal);
        }

        if (found.Count == 0)
        {
            throw new TransformException($"--select/--exclude {criterion} matches no model");
        }

        return found;
    }
}
