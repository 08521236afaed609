using Npgsql;
using Strata.Source.Connection;

namespace Strata.Source.Schema;

/// <summary>
/// What the source database has of what change data capture needs, read from its catalogs (pg_roles, ACLs,
/// default privileges, pg_publication_tables). Memberships of the CDC login are not read: managed services grant
/// replication through one (RDS's rds_replication), so it is not Strata's to take away. With no connection (the database does not
/// exist yet) everything in it reads as missing; the role, being the server's, is read through <paramref name="server"/>.
/// </summary>
internal sealed class SourceCatalog(NpgsqlConnection? connection, NpgsqlConnection server, SourceSettings settings)
{
    public bool SchemaExists { get; private set; }

    public HashSet<string> Tables { get; } = [];

    public HashSet<string> FullReplicaIdentity { get; } = [];

    public HashSet<string> Indexes { get; } = [];

    public bool RoleExists { get; private set; }

    public bool RoleCanLoginAndReplicate { get; private set; }

    public bool HasConnect { get; private set; }

    public bool HasSchemaUsage { get; private set; }

    public HashSet<string> SelectableTables { get; } = [];

    public bool HasDefaultSelect { get; private set; }

    /// <summary>Privileges the CDC login holds on the schema's tables beyond SELECT (made by hand), as (table, privilege).</summary>
    public List<(string Table, string Privilege)> ExtraTablePrivileges { get; } = [];

    public bool SlotSchemaExists { get; private set; }

    public bool SlotTableExists { get; private set; }

    public bool SlotTableWritable { get; private set; }

    public bool PublicationExists { get; private set; }

    public HashSet<string> PublishedTables { get; } = [];

    public async Task ReadAsync(CancellationToken cancellationToken)
    {
        RoleExists = await server.ExistsAsync("SELECT 1 FROM pg_roles WHERE rolname = $1", cancellationToken, settings.CdcUser);
        RoleCanLoginAndReplicate = await server.ExistsAsync(
            "SELECT 1 FROM pg_roles WHERE rolname = $1 AND rolcanlogin AND rolreplication", cancellationToken, settings.CdcUser);
        if (connection is null)
        {
            return;
        }

        var schema = settings.Schema;
        var role = settings.CdcUser;
        SchemaExists = await ExistsAsync("SELECT 1 FROM pg_namespace WHERE nspname = $1", cancellationToken, schema);
        foreach (var table in SourceTables.Names)
        {
            var qualified = Sql.Qualified(schema, table);
            if (SchemaExists && await connection.RelationExistsAsync(qualified, cancellationToken))
            {
                Tables.Add(table);
                if (await ExistsAsync("SELECT 1 FROM pg_class WHERE oid = to_regclass($1) AND relreplident = 'f'", cancellationToken, qualified))
                {
                    FullReplicaIdentity.Add(table);
                }
            }
        }

        foreach (var (name, _, _) in SourceTables.Indexes)
        {
            if (SchemaExists && await connection.RelationExistsAsync(Sql.Qualified(schema, name), cancellationToken))
            {
                Indexes.Add(name);
            }
        }

        if (RoleExists)
        {
            await ReadRoleAsync(schema, role, cancellationToken);
        }

        SlotSchemaExists = await ExistsAsync("SELECT 1 FROM pg_namespace WHERE nspname = $1", cancellationToken, SlotOwnersTable.Schema);
        SlotTableExists = SlotSchemaExists && await connection.RelationExistsAsync(SlotOwnersTable.Qualified, cancellationToken);
        SlotTableWritable = SlotTableExists && RoleExists && await ExistsAsync(
            "SELECT 1 WHERE has_schema_privilege($2, $3, 'USAGE') AND has_table_privilege($2, $1, 'SELECT') AND has_table_privilege($2, $1, 'INSERT') AND has_table_privilege($2, $1, 'UPDATE')",
            cancellationToken, SlotOwnersTable.Qualified, role, SlotOwnersTable.Schema);

        PublicationExists = await ExistsAsync("SELECT 1 FROM pg_publication WHERE pubname = $1", cancellationToken, settings.Publication);
        await using var published = new NpgsqlCommand("SELECT tablename FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2", connection)
        {
            Parameters = { new() { Value = settings.Publication }, new() { Value = schema } },
        };
        await using var reader = await published.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            PublishedTables.Add(reader.GetString(0));
        }
    }

    private async Task ReadRoleAsync(string schema, string role, CancellationToken cancellationToken)
    {
        HasConnect = await ExistsAsync(
            "SELECT 1 FROM pg_database d, aclexplode(d.datacl) a JOIN pg_roles r ON r.oid = a.grantee WHERE d.datname = $1 AND r.rolname = $2 AND a.privilege_type = 'CONNECT'",
            cancellationToken, settings.Database, role);
        HasSchemaUsage = SchemaExists && await ExistsAsync("SELECT 1 WHERE has_schema_privilege($2, $1, 'USAGE')", cancellationToken, schema, role);
        foreach (var table in Tables)
        {
            if (await ExistsAsync("SELECT 1 WHERE has_table_privilege($2, $1, 'SELECT')", cancellationToken, Sql.Qualified(schema, table), role))
            {
                SelectableTables.Add(table);
            }
        }

        HasDefaultSelect = SchemaExists && await ExistsAsync(
            "SELECT 1 FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a JOIN pg_roles r ON r.oid = a.grantee " +
            "WHERE n.nspname = $1 AND r.rolname = $2 AND d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND a.privilege_type = 'SELECT'",
            cancellationToken, schema, role);

        await using (var extra = new NpgsqlCommand(
            "SELECT c.relname, a.privilege_type FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a " +
            "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $2) AND a.privilege_type <> 'SELECT' " +
            "ORDER BY 1, 2", connection)
        {
            Parameters = { new() { Value = schema }, new() { Value = role } },
        })
        {
            await using var reader = await extra.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ExtraTablePrivileges.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

    }

    private Task<bool> ExistsAsync(string sql, CancellationToken cancellationToken, params object[] parameters) =>
        connection!.ExistsAsync(sql, cancellationToken, parameters);
}
