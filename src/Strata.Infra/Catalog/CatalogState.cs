namespace Strata.Infra.Catalog;

/// <summary>Objects and grants: what a catalog reader found, or what a declaration wants.</summary>
/// <param name="Objects">The objects.</param>
/// <param name="Grants">The grants.</param>
public sealed record CatalogState(IReadOnlyList<CatalogObject> Objects, IReadOnlyList<CatalogGrant> Grants)
{
    /// <summary>Nothing (a database not created yet).</summary>
    public static CatalogState Empty { get; } = new([], []);
}

/// <summary>What a declaration wants, and whose grants it owns.</summary>
/// <param name="State">The objects and grants that must exist.</param>
/// <param name="ManagedGrantees">Roles whose every grant on the managed objects is declared: one not declared is revoked.</param>
/// <param name="ProtectedGrantees">Roles never revoked from, even with <c>--prune</c> (owners, the admin login, superusers, PUBLIC).</param>
public sealed record DesiredState(CatalogState State, IReadOnlySet<string> ManagedGrantees, IReadOnlySet<string> ProtectedGrantees);
