using Strata.Ingestion.Catalog;

namespace Strata.Ingestion.Resync;

/// <summary>The published tables a <c>--resync</c> names.</summary>
internal static class ResyncRequest
{
    /// <summary>
    /// None for null, every published table for an empty list, else the named ones; an unknown name is one line with
    /// a "did you mean".
    /// </summary>
    public static List<SourceTable> Resolve(IReadOnlyList<string>? names, Dictionary<string, SourceTable> tables)
    {
        if (names is null)
        {
            return [];
        }

        if (names.Count == 0)
        {
            return tables.Values.ToList();
        }

        return names.Select(name => tables.TryGetValue(name, out var table) ? table : throw new IngestionException(
                $"--resync {name}: no such published table{Text.Suggestions.DidYouMean(name, tables.Keys)}; published: {string.Join(", ", tables.Keys.Order())}"))
            .ToList();
    }
}
