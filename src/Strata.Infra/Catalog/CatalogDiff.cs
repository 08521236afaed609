namespace Strata.Infra.Catalog;

/// <summary>
/// The engine-neutral diff: declared objects missing from the catalog are created, declared attributes that differ
/// are altered, declared grants missing are granted, and grants to managed roles that are not declared are revoked
/// (with <c>prune</c>, grants to any other role on the managed objects too). Nothing is dropped, and protected
/// grantees (owners, the admin login) are never revoked from. The order is stable: creates, alters, revokes, grants,
/// each by object kind in dependency order, then by name.
/// </summary>
public static class CatalogDiff
{
    /// <summary>The changes that bring <paramref name="live"/> to <paramref name="desired"/>.</summary>
    public static IReadOnlyList<CatalogChange> Compute(DesiredState desired, CatalogState live, bool prune)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(live);
        var changes = new List<CatalogChange>();
        var liveObjects = live.Objects.GroupBy(o => o.Key).ToDictionary(g => g.Key, g => g.First());
        foreach (var wanted in desired.State.Objects.DistinctBy(o => o.Key).OrderBy(o => ObjectKinds.Rank(o.Kind)).ThenBy(o => o.Name, StringComparer.Ordinal))
        {
            if (!liveObjects.TryGetValue(wanted.Key, out var found))
            {
                changes.Add(new CatalogChange(ChangeAction.Create, wanted));
                continue;
            }

            var differences = wanted.Attributes
                .Where(a => !string.Equals(found.Attributes.GetValueOrDefault(a.Key), a.Value, StringComparison.OrdinalIgnoreCase))
                .ToDictionary(a => a.Key, a => (found.Attributes.GetValueOrDefault(a.Key), a.Value), StringComparer.Ordinal);
            if (differences.Count > 0)
            {
                changes.Add(new CatalogChange(ChangeAction.Alter, wanted, differences));
            }
        }

        var wantedGrants = desired.State.Grants.ToHashSet();
        var liveGrants = live.Grants.ToHashSet();
        var revokes = liveGrants
            .Where(g => !wantedGrants.Contains(g) && !desired.ProtectedGrantees.Contains(g.Grantee))
            .Where(g => prune || desired.ManagedGrantees.Contains(g.Grantee))
            .Select(g => new CatalogChange(ChangeAction.Revoke, Grant: g));
        var grants = wantedGrants.Where(g => !liveGrants.Contains(g)).Select(g => new CatalogChange(ChangeAction.Grant, Grant: g));
        changes.AddRange(Ordered(revokes));
        changes.AddRange(Ordered(grants));
        return changes;
    }

    private static IEnumerable<CatalogChange> Ordered(IEnumerable<CatalogChange> changes) => changes
        .OrderBy(c => ObjectKinds.Rank(c.Grant!.ObjectKind))
        .ThenBy(c => c.Grant!.ObjectName, StringComparer.Ordinal)
        .ThenBy(c => c.Grant!.CreatedBy ?? "", StringComparer.Ordinal)
        .ThenBy(c => c.Grant!.Grantee, StringComparer.Ordinal)
        .ThenBy(c => c.Grant!.Privilege, StringComparer.Ordinal);
}
