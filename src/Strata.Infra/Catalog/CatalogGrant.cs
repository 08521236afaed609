namespace Strata.Infra.Catalog;

/// <summary>
/// One privilege of one grantee on one object, or a role's membership in another (<see cref="Member"/> on a
/// <see cref="ObjectKinds.Role"/>). Grants are compared as values: the same privilege read back equals the declared one,
/// which is what keeps a plan after an apply empty.
/// </summary>
/// <param name="Privilege">Upper case: <c>SELECT</c>, <c>USAGE</c>, <c>CONNECT</c>, <c>OWNERSHIP</c>, <c>MEMBER</c>…</param>
/// <param name="ObjectKind">One of <see cref="ObjectKinds"/>.</param>
/// <param name="ObjectName">The object (for future tables: the schema).</param>
/// <param name="Grantee">The role receiving it; <c>PUBLIC</c> for everyone.</param>
/// <param name="CreatedBy">For PostgreSQL default privileges: the role whose future tables they apply to.</param>
public sealed record CatalogGrant(string Privilege, string ObjectKind, string ObjectName, string Grantee, string? CreatedBy = null)
{
    /// <summary>The privilege of a role membership.</summary>
    public const string Member = "MEMBER";

    /// <summary>The privilege of a role granted to a user (Snowflake's <c>GRANT ROLE … TO USER …</c>; <see cref="Grantee"/> is the user).</summary>
    public const string UserMember = "MEMBER (USER)";

    /// <summary>Everyone (PostgreSQL's PUBLIC pseudo-role).</summary>
    public const string Public = "PUBLIC";

    /// <summary>What a plan says about it, e.g. <c>SELECT on table gold.x to r</c> (<paramref name="preposition"/> is <c>from</c> for a revoke).</summary>
    public string Describe(string preposition = "to") => Privilege switch
    {
        Member => $"membership of {Grantee} in role {ObjectName}",
        UserMember => $"membership of user {Grantee} in role {ObjectName}",
        _ => $"{Privilege} on {ObjectKind} {ObjectName}{(CreatedBy is null ? "" : $" (created by {CreatedBy})")} {preposition} {Grantee}",
    };
}
