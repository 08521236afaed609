using Strata.Infra.Catalog;

namespace Strata.Infra.Snowflake;

/// <summary>The objects and grants a <see cref="SnowflakeDeclaration"/> asks for, names and values spelled as Snowflake reads them back.</summary>
internal static class SnowflakeDesiredState
{
    /// <summary>Roles never revoked from, with or without --prune.</summary>
    public static readonly IReadOnlySet<string> SystemRoles = new HashSet<string>(["ACCOUNTADMIN", "SECURITYADMIN", "SYSADMIN", "USERADMIN", "ORGADMIN", "PUBLIC"], StringComparer.Ordinal);

    /// <summary>What <paramref name="declaration"/> (completed: <see cref="SnowflakeDefaults.Complete"/>) asks for, given what <paramref name="live"/> has.</summary>
    public static DesiredState Build(SnowflakeDeclaration declaration, CatalogState live)
    {
        var database = declaration.Database!;
        var objects = new List<CatalogObject> { new(ObjectKinds.Database, SnowflakeNames.Name(database)) };
        objects.AddRange(declaration.Schemas.Select(s => new CatalogObject(ObjectKinds.Schema, SnowflakeNames.Qualified($"{database}.{s}"))));
        objects.AddRange(declaration.ResourceMonitors.Select(m => new CatalogObject(ObjectKinds.ResourceMonitor, SnowflakeNames.Name(m.Name),
            new Dictionary<string, string> { ["credit_quota"] = SnowflakeNames.Number(m.CreditQuota.ToString(System.Globalization.CultureInfo.InvariantCulture)), ["frequency"] = m.Frequency.ToUpperInvariant() })));
        objects.AddRange(declaration.Warehouses.Select(Warehouse));

        var roles = declaration.Roles;
        objects.AddRange(roles.Select(r => new CatalogObject(ObjectKinds.Role, SnowflakeNames.Name(r.Name))));
        var grants = roles.SelectMany(r => r.Grants.SelectMany(g => g.Privileges.Select(p => Grant(g, p.ToUpperInvariant(), SnowflakeNames.Name(r.Name))))).ToList();
        grants.AddRange(roles.SelectMany(r => r.Users.Select(u => new CatalogGrant(CatalogGrant.UserMember, ObjectKinds.Role, SnowflakeNames.Name(r.Name), SnowflakeNames.Name(u)))));

        // A table or view read back with a privilege a future grant of its schema gives is that future grant at work, not
        // drift. (SHOW GRANTS TO ROLE names both as tables here, so a future grant on either kind explains either.)
        var future = grants.Where(g => g.ObjectKind is ObjectKinds.FutureTables or ObjectKinds.FutureViews)
            .Select(g => (g.Privilege, Schema: g.ObjectName, g.Grantee)).ToHashSet();
        grants.AddRange(live.Grants.Where(g => g.ObjectKind == ObjectKinds.Table && future.Contains((g.Privilege, SchemaOf(g.ObjectName), g.Grantee))));

        var managed = objects.Where(o => o.Kind == ObjectKinds.Role).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        return new DesiredState(new CatalogState(objects, grants), managed, SystemRoles);
    }

    private static CatalogObject Warehouse(ComputeWarehouse warehouse)
    {
        var attributes = new Dictionary<string, string>
        {
            ["size"] = SnowflakeNames.Size(warehouse.Size),
            ["auto_suspend"] = warehouse.AutoSuspend.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["auto_resume"] = warehouse.AutoResume ? "true" : "false",
        };
        if (warehouse.ResourceMonitor is { } monitor)
        {
            attributes["resource_monitor"] = SnowflakeNames.Name(monitor);
        }

        return new CatalogObject(ObjectKinds.Warehouse, SnowflakeNames.Name(warehouse.Name), attributes);
    }

    private static CatalogGrant Grant(SnowflakeGrant grant, string privilege, string role) => grant.On.ToLowerInvariant() switch
    {
        "role" => new CatalogGrant(CatalogGrant.Member, ObjectKinds.Role, SnowflakeNames.Name(grant.Name), role),
        "future tables" => new CatalogGrant(privilege, ObjectKinds.FutureTables, SnowflakeNames.Qualified(grant.Name), role),
        "future views" => new CatalogGrant(privilege, ObjectKinds.FutureViews, SnowflakeNames.Qualified(grant.Name), role),
        "warehouse" or "database" or "schema" or "table" => new CatalogGrant(privilege, grant.On.ToLowerInvariant() switch
        {
            "warehouse" => ObjectKinds.Warehouse,
            "database" => ObjectKinds.Database,
            "schema" => ObjectKinds.Schema,
            _ => ObjectKinds.Table,
        }, SnowflakeNames.Qualified(grant.Name), role),
        var other => throw new InfraException($"infra.yml: role {role} has a grant on '{other}'; use warehouse, database, schema, table, future tables, future views or role"),
    };

    private static string SchemaOf(string table) => table[..table.LastIndexOf('.')];
}
