using Strata.Infra;
using Strata.Infra.Catalog;

namespace Strata.UnitTests.Infra;

public sealed class CatalogDiffTests
{
    private static readonly CatalogObject Reports = new(ObjectKinds.Role, "reports", new Dictionary<string, string> { ["login"] = "true" });
    private static readonly CatalogObject Gold = new(ObjectKinds.Schema, "gold", new Dictionary<string, string> { ["owner"] = "transformation" });
    private static readonly CatalogGrant ReadGold = new("SELECT", ObjectKinds.Table, "gold.fct", "reports");
    private static readonly CatalogGrant UseGold = new("USAGE", ObjectKinds.Schema, "gold", "reports");

    [Fact]
    public void Against_nothing_everything_is_created_then_granted_in_dependency_order()
    {
        var changes = CatalogDiff.Compute(Desired([Gold, Reports], [ReadGold, UseGold]), CatalogState.Empty, prune: false);

        Assert.Equal(
            ["create role reports (login = true)", "create schema gold (owner = transformation)", "grant USAGE on schema gold to reports", "grant SELECT on table gold.fct to reports"],
            changes.Select(Line));
    }

    [Fact]
    public void The_state_an_apply_leaves_plans_nothing()
    {
        var desired = Desired([Gold, Reports], [ReadGold, UseGold]);

        // Read back as a catalog reports it: other attributes, other order, same values.
        var live = new CatalogState(
            [Reports with { Attributes = new Dictionary<string, string> { ["login"] = "TRUE", ["password"] = "x" } }, Gold],
            [UseGold with { }, ReadGold with { }]);

        Assert.Empty(CatalogDiff.Compute(desired, live, prune: true));
    }

    [Fact]
    public void A_changed_attribute_is_an_alter_naming_both_values()
    {
        var live = new CatalogState([Reports, Gold with { Attributes = new Dictionary<string, string> { ["owner"] = "admin" } }], [ReadGold, UseGold]);

        var change = Assert.Single(CatalogDiff.Compute(Desired([Gold, Reports], [ReadGold, UseGold]), live, prune: false));

        Assert.Equal("alter schema gold (owner: admin → transformation)", Line(change));
    }

    [Fact]
    public void An_undeclared_grant_to_a_managed_role_is_revoked_one_to_another_role_only_with_prune_and_a_protected_one_never()
    {
        var extra = new CatalogGrant("SELECT", ObjectKinds.Table, "bronze.orders", "reports");
        var stranger = new CatalogGrant("SELECT", ObjectKinds.Table, "gold.fct", "stranger");
        var admin = new CatalogGrant("SELECT", ObjectKinds.Table, "gold.fct", "admin");
        var live = new CatalogState([Reports, Gold], [ReadGold, UseGold, extra, stranger, admin]);

        var plain = CatalogDiff.Compute(Desired([Gold, Reports], [ReadGold, UseGold]), live, prune: false);
        var pruned = CatalogDiff.Compute(Desired([Gold, Reports], [ReadGold, UseGold]), live, prune: true);

        Assert.Equal(["revoke SELECT on table bronze.orders from reports"], plain.Select(Line));
        Assert.Equal(["revoke SELECT on table bronze.orders from reports", "revoke SELECT on table gold.fct from stranger"], pruned.Select(Line));
    }

    [Fact]
    public void Revokes_come_before_grants_and_each_is_sorted_whatever_order_the_catalog_read()
    {
        var grants = Enumerable.Range(0, 5).Select(i => new CatalogGrant("SELECT", ObjectKinds.Table, $"gold.t{i}", "reports")).ToList();
        var shuffled = new CatalogState([Reports, Gold], [grants[3], grants[1], new CatalogGrant("INSERT", ObjectKinds.Table, "gold.t9", "reports")]);

        var changes = CatalogDiff.Compute(Desired([Gold, Reports], [.. grants.AsEnumerable().Reverse()]), shuffled, prune: false);

        Assert.Equal(
            ["revoke INSERT on table gold.t9 from reports", "grant SELECT on table gold.t0 to reports", "grant SELECT on table gold.t2 to reports", "grant SELECT on table gold.t4 to reports"],
            changes.Select(Line));
    }

    private static DesiredState Desired(IReadOnlyList<CatalogObject> objects, IReadOnlyList<CatalogGrant> grants) =>
        new(new CatalogState(objects, grants), new HashSet<string> { "reports" }, new HashSet<string> { "admin", CatalogGrant.Public });

    private static string Line(CatalogChange change) => $"{PlannedChange.Verb(change.Action)} {change.Subject}";
}
