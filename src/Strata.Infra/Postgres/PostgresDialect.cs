using Strata.Infra.Catalog;
using Strata.Source.Schema;

namespace Strata.Infra.Postgres;

/// <summary>
/// PostgreSQL's spelling of a change. A login's password is read (or generated and kept) from the secret store when the
/// statement runs, and only its SCRAM verifier is sent; the plan shows a placeholder.
/// </summary>
/// <param name="passwordOf">The password of a login role, by role name (generated and stored on first use).</param>
internal sealed class PostgresDialect(Func<string, string> passwordOf) : IInfraDialect
{
    public IReadOnlyList<InfraStatement> Statements(CatalogChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Grant is { } grant ? [GrantStatement(change.Action, grant)] : ObjectStatements(change);
    }

    private List<InfraStatement> ObjectStatements(CatalogChange change)
    {
        var target = change.Object!;
        var attributes = target.Attributes;
        return (change.Action, target.Kind) switch
        {
            (ChangeAction.Create, ObjectKinds.Database) => [$"CREATE DATABASE {Sql.Identifier(target.Name)}"],
            (ChangeAction.Create, ObjectKinds.Role) when attributes.GetValueOrDefault("login") == "true" => [WithPassword($"CREATE ROLE {Sql.Identifier(target.Name)} LOGIN", target.Name)],
            (ChangeAction.Create, ObjectKinds.Role) => [$"CREATE ROLE {Sql.Identifier(target.Name)} NOLOGIN"],
            (ChangeAction.Create, ObjectKinds.Schema) => [$"CREATE SCHEMA {Sql.Identifier(target.Name)}" + (attributes.TryGetValue("owner", out var owner) ? $" AUTHORIZATION {Sql.Identifier(owner)}" : "")],
            (ChangeAction.Alter, ObjectKinds.Role) => [.. change.Differences!.Keys.Order(StringComparer.Ordinal).Select(key => key switch
            {
                "login" => (InfraStatement)$"ALTER ROLE {Sql.Identifier(target.Name)} {(attributes["login"] == "true" ? "LOGIN" : "NOLOGIN")}",
                "password" => WithPassword($"ALTER ROLE {Sql.Identifier(target.Name)}", target.Name),
                _ => throw new InvalidOperationException($"no PostgreSQL statement alters a role's {key}"),
            })],
            (ChangeAction.Alter, ObjectKinds.Schema) => [$"ALTER SCHEMA {Sql.Identifier(target.Name)} OWNER TO {Sql.Identifier(attributes["owner"])}"],
            (ChangeAction.Alter, ObjectKinds.Table) => [$"ALTER TABLE {Table(target.Name)} OWNER TO {Sql.Identifier(attributes["owner"])}"],
            _ => throw new InvalidOperationException($"no PostgreSQL statement for {change.Action} of a {target.Kind}"),
        };
    }

    private static InfraStatement GrantStatement(ChangeAction action, CatalogGrant grant)
    {
        var grantee = grant.Grantee == CatalogGrant.Public ? "PUBLIC" : Sql.Identifier(grant.Grantee);
        var (verb, direction) = action == ChangeAction.Revoke ? ("REVOKE", "FROM") : ("GRANT", "TO");
        return grant.ObjectKind switch
        {
            ObjectKinds.Role => $"{verb} {Sql.Identifier(grant.ObjectName)} {direction} {grantee}",
            ObjectKinds.Database => $"{verb} {grant.Privilege} ON DATABASE {Sql.Identifier(grant.ObjectName)} {direction} {grantee}",
            ObjectKinds.Schema => $"{verb} {grant.Privilege} ON SCHEMA {Sql.Identifier(grant.ObjectName)} {direction} {grantee}",
            ObjectKinds.Table => $"{verb} {grant.Privilege} ON {Table(grant.ObjectName)} {direction} {grantee}",
            ObjectKinds.FutureTables =>
                $"ALTER DEFAULT PRIVILEGES FOR ROLE {Sql.Identifier(grant.CreatedBy!)} IN SCHEMA {Sql.Identifier(grant.ObjectName)} {verb} {grant.Privilege} ON TABLES {direction} {grantee}",
            _ => throw new InvalidOperationException($"no PostgreSQL grant on a {grant.ObjectKind}"),
        };
    }

    /// <summary><c>schema.table</c> quoted; the schema is everything before the first dot.</summary>
    private static string Table(string qualified)
    {
        var dot = qualified.IndexOf('.', StringComparison.Ordinal);
        return Sql.Qualified(qualified[..dot], qualified[(dot + 1)..]);
    }

    private InfraStatement WithPassword(string statement, string role) => new(
        $"{statement} PASSWORD '<SCRAM verifier of the password in the secret store>'",
        () => $"{statement} PASSWORD {Sql.Literal(ScramVerifier.Create(passwordOf(role)))}");
}
