namespace Strata.Infra.Catalog;

/// <summary>One difference between the declaration and the catalog, before an engine turns it into statements.</summary>
/// <param name="Action">What to do.</param>
/// <param name="Object">The object created or altered (null for grants).</param>
/// <param name="Differences">For an alter: attribute → (live value, declared value).</param>
/// <param name="Grant">The grant given or revoked (null for objects).</param>
public sealed record CatalogChange(
    ChangeAction Action,
    CatalogObject? Object = null,
    IReadOnlyDictionary<string, (string? Live, string Declared)>? Differences = null,
    CatalogGrant? Grant = null)
{
    /// <summary>The plan's subject: <c>role x (login = true)</c>, <c>SELECT on table gold.x to r</c>.</summary>
    public string Subject => Grant?.Describe(Action == ChangeAction.Revoke ? "from" : "to") ?? Object!.Kind + " " + Object.Name + Details;

    /// <summary>The line once applied: <c>created role x</c>, <c>granted SELECT on …</c>.</summary>
    public string Done => Action switch
    {
        ChangeAction.Create => "created " + Subject,
        ChangeAction.Alter => "altered " + Subject,
        ChangeAction.Revoke => "revoked " + Subject,
        _ => "granted " + Subject,
    };

    private string Details => Action switch
    {
        ChangeAction.Create when Object!.Attributes.Count > 0 =>
            " (" + string.Join(", ", Object.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} = {a.Value}")) + ")",
        ChangeAction.Alter => " (" + string.Join(", ", Differences!.OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => $"{d.Key}: {d.Value.Live ?? "none"} → {d.Value.Declared}")) + ")",
        _ => "",
    };
}
