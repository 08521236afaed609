using Npgsql;
using Strata.Infra.Catalog;

namespace Strata.Infra.Postgres;

/// <summary>
/// Reads a PostgreSQL database's roles, memberships and privileges on the schemas Strata manages, from pg_roles,
/// pg_auth_members, the ACLs (aclexplode) and pg_default_acl. An owner's own privileges are implied by ownership and
/// not read as grants, so they are never planned for revocation.
/// </summary>
internal sealed class PostgresCatalogReader(NpgsqlConnection connection)
{
    /// <summary>What the database has, for <paramref name="roles"/> and <paramref name="schemas"/>.</summary>
    public async Task<PostgresCatalog> ReadAsync(IReadOnlyCollection<string> roles, IReadOnlyCollection<string> schemas, CancellationToken cancellationToken)
    {
        var objects = new List<CatalogObject>();
        var grants = new List<CatalogGrant>();
        var roleNames = roles.ToArray();
        var schemaNames = schemas.ToArray();

        await ForEachRowAsync("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY($1)", r =>
            objects.Add(new CatalogObject(ObjectKinds.Role, r.GetString(0), new Dictionary<string, string> { ["login"] = Bool(r.GetBoolean(1)) })), cancellationToken, [roleNames]);

        await ForEachRowAsync(
            "SELECT g.rolname, u.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ANY($1)",
            r => grants.Add(new CatalogGrant(CatalogGrant.Member, ObjectKinds.Role, r.GetString(0), r.GetString(1))), cancellationToken, [roleNames]);

        await ForEachRowAsync(
            // A database nobody granted on has no ACL yet, which means the defaults: PUBLIC may CONNECT and create TEMPORARY tables.
            "SELECT d.datname, coalesce(r.rolname, 'PUBLIC'), a.privilege_type FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a " +
            "LEFT JOIN pg_roles r ON r.oid = a.grantee " +
            "WHERE d.datname = current_database() AND a.grantee <> d.datdba",
            r => grants.Add(new CatalogGrant(r.GetString(2), ObjectKinds.Database, r.GetString(0), r.GetString(1))), cancellationToken);

        await ForEachRowAsync("SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = ANY($1)", r =>
            objects.Add(new CatalogObject(ObjectKinds.Schema, r.GetString(0), new Dictionary<string, string> { ["owner"] = r.GetString(1) })), cancellationToken, [schemaNames]);

        await ForEachRowAsync(
            "SELECT n.nspname, coalesce(r.rolname, 'PUBLIC'), a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee " +
            "WHERE n.nspname = ANY($1) AND a.grantee <> n.nspowner",
            r => grants.Add(new CatalogGrant(r.GetString(2), ObjectKinds.Schema, r.GetString(0), r.GetString(1))), cancellationToken, [schemaNames]);

        await ForEachRowAsync(
            "SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
            r => objects.Add(new CatalogObject(ObjectKinds.Table, r.GetString(0) + "." + r.GetString(1), new Dictionary<string, string> { ["owner"] = r.GetString(2) })),
            cancellationToken, [schemaNames]);

        await ForEachRowAsync(
            "SELECT n.nspname || '.' || c.relname, coalesce(r.rolname, 'PUBLIC'), a.privilege_type FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, " +
            "aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.grantee <> c.relowner",
            r => grants.Add(new CatalogGrant(r.GetString(2), ObjectKinds.Table, r.GetString(0), r.GetString(1))), cancellationToken, [schemaNames]);

        await ForEachRowAsync(
            "SELECT n.nspname, pg_get_userbyid(d.defaclrole), coalesce(r.rolname, 'PUBLIC'), a.privilege_type FROM pg_default_acl d " +
            "JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee " +
            "WHERE d.defaclobjtype = 'r' AND n.nspname = ANY($1) AND a.grantee <> d.defaclrole",
            r => grants.Add(new CatalogGrant(r.GetString(3), ObjectKinds.FutureTables, r.GetString(0), r.GetString(2), r.GetString(1))), cancellationToken, [schemaNames]);

        var superusers = new List<string>();
        await ForEachRowAsync("SELECT rolname FROM pg_roles WHERE rolsuper OR rolname = current_user", r => superusers.Add(r.GetString(0)), cancellationToken);
        return new PostgresCatalog(new CatalogState(objects, grants), superusers);
    }

    private static string Bool(bool value) => value ? "true" : "false";

    // Arrays go in as one parameter each (a string[] passed to params object[] would spread into many).
    private async Task ForEachRowAsync(string sql, Action<NpgsqlDataReader> row, CancellationToken cancellationToken, IReadOnlyList<object>? parameters = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters ?? [])
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            row(reader);
        }
    }
}

/// <summary>What <see cref="PostgresCatalogReader"/> found.</summary>
/// <param name="State">The roles, schemas, tables and grants.</param>
/// <param name="Admins">Superusers and the login reading: never revoked from.</param>
internal sealed record PostgresCatalog(CatalogState State, IReadOnlyList<string> Admins)
{
    /// <summary>The tables of <paramref name="schema"/> the catalog holds, as <c>schema.table</c>.</summary>
    public IEnumerable<CatalogObject> TablesOf(string schema) =>
        State.Objects.Where(o => o.Kind == ObjectKinds.Table && o.Name.StartsWith(schema + ".", StringComparison.Ordinal));
}
