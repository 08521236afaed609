using Strata.Transform.Graph;
using Strata.Transform.Project;

namespace Strata.Transform.Execution;

/// <summary>
/// What a relation's rows are as of: every source change up to <see cref="Lsn"/> (committed at <see cref="CommitTime"/>
/// at the source) is in them. It moves only when a build of the relation succeeds; a skipped or failed model keeps its old one.
/// </summary>
/// <param name="Lsn">The source position: the changelog bound (bronze's checkpoint) its last successful build read.</param>
/// <param name="CommitTime">Source commit time (UTC) of the newest change up to that bound, when known.</param>
public sealed record DataAsOf(long Lsn, DateTime? CommitTime)
{
    /// <summary>The oldest of <paramref name="asOfs"/>: rows combined from several relations are only as complete as the least complete; null when none is known.</summary>
    public static DataAsOf? Oldest(IEnumerable<DataAsOf?> asOfs) =>
        asOfs.OfType<DataAsOf>().OrderBy(a => a.Lsn).ThenBy(a => a.CommitTime ?? DateTime.MinValue).FirstOrDefault();

    /// <summary>
    /// The as-of of <paramref name="model"/> now: its recorded one if it is built as a relation, or for a view or an
    /// ephemeral model (which read their parents when queried) the oldest of its parents'. Null when nothing upstream reads the source.
    /// </summary>
    public static DataAsOf? Of(ProjectGraph graph, IReadOnlyDictionary<string, DataAsOf> recorded, string model)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(recorded);
        if (!graph.Contains(model))
        {
            return null;
        }

        var materialized = graph[model].Config.Materialized;
        if (materialized is not (Materializations.View or Materializations.Ephemeral))
        {
            return recorded.GetValueOrDefault(model);
        }

        return Oldest(graph[model].Refs.Select(parent => Of(graph, recorded, parent)));
    }
}
