using Strata.Infra.Catalog;

namespace Strata.Infra.Snowflake;

/// <summary>
/// Reads what a Snowflake account has of a (completed) declaration through <see cref="ISnowflakeShow"/>: SHOW ROLES,
/// DATABASES, SCHEMAS, WAREHOUSES, RESOURCE MONITORS, GRANTS TO ROLE and GRANTS OF ROLE (each managed role: its
/// privileges, and the users it is granted to) and FUTURE GRANTS IN SCHEMA (each managed schema); with --prune also
/// SHOW GRANTS ON each managed object, for grants to roles it does not manage. OWNERSHIP is read but never managed:
/// ownership is not revoked.
/// </summary>
internal sealed class SnowflakeCatalogReader(ISnowflakeShow show)
{
    private const string VersionTable = "SCHEMA_VERSION";

    public async Task<CatalogState> ReadAsync(SnowflakeDeclaration declaration, bool prune, CancellationToken cancellationToken)
    {
        var objects = new List<CatalogObject>();
        var grants = new List<CatalogGrant>();
        var database = SnowflakeNames.Name(declaration.Database!);

        foreach (var row in await show.ShowAsync("SHOW ROLES", cancellationToken))
        {
            objects.Add(new CatalogObject(ObjectKinds.Role, Text(row, "name")));
        }

        var databaseExists = false;
        foreach (var row in await show.ShowAsync("SHOW DATABASES", cancellationToken))
        {
            objects.Add(new CatalogObject(ObjectKinds.Database, Text(row, "name")));
            databaseExists |= Text(row, "name") == database;
        }

        if (databaseExists)
        {
            foreach (var row in await show.ShowAsync($"SHOW SCHEMAS IN DATABASE {SnowflakeNames.Sql(database)}", cancellationToken))
            {
                objects.Add(new CatalogObject(ObjectKinds.Schema, $"{Text(row, "database_name")}.{Text(row, "name")}"));
            }
        }

        foreach (var row in await show.ShowAsync("SHOW RESOURCE MONITORS", cancellationToken))
        {
            objects.Add(new CatalogObject(ObjectKinds.ResourceMonitor, Text(row, "name"), new Dictionary<string, string>
            {
                ["credit_quota"] = SnowflakeNames.Number(Text(row, "credit_quota")),
                ["frequency"] = Text(row, "frequency").ToUpperInvariant(),
            }));
        }

        foreach (var row in await show.ShowAsync("SHOW WAREHOUSES", cancellationToken))
        {
            var attributes = new Dictionary<string, string>
            {
                ["size"] = SnowflakeNames.Size(Text(row, "size")),
                ["auto_suspend"] = SnowflakeNames.Number(Text(row, "auto_suspend")),
                ["auto_resume"] = SnowflakeNames.Boolean(Text(row, "auto_resume")),
            };
            if (row.GetValueOrDefault("resource_monitor") is { Length: > 0 } monitor && !monitor.Equals("null", StringComparison.OrdinalIgnoreCase))
            {
                attributes["resource_monitor"] = monitor;
            }

            objects.Add(new CatalogObject(ObjectKinds.Warehouse, Text(row, "name"), attributes));
        }

        var existing = objects.Select(o => o.Key).ToHashSet();
        foreach (var role in declaration.Roles.Select(r => SnowflakeNames.Name(r.Name)).Where(r => existing.Contains((ObjectKinds.Role, r))))
        {
            grants.AddRange((await show.ShowAsync($"SHOW GRANTS TO ROLE {SnowflakeNames.Sql(role)}", cancellationToken)).Select(Grant).OfType<CatalogGrant>());
            grants.AddRange((await show.ShowAsync($"SHOW GRANTS OF ROLE {SnowflakeNames.Sql(role)}", cancellationToken))
                .Where(row => Text(row, "granted_to") == "USER")
                .Select(row => new CatalogGrant(CatalogGrant.UserMember, ObjectKinds.Role, Text(row, "role"), Text(row, "grantee_name"))));
        }

        var schemas = declaration.Schemas.Select(s => SnowflakeNames.Qualified($"{declaration.Database}.{s}")).Where(s => existing.Contains((ObjectKinds.Schema, s))).ToList();
        foreach (var schema in schemas)
        {
            grants.AddRange((await show.ShowAsync($"SHOW FUTURE GRANTS IN SCHEMA {SnowflakeNames.Sql(schema)}", cancellationToken)).Select(row =>
                new CatalogGrant(Text(row, "privilege"), Text(row, "grant_on") == "VIEW" ? ObjectKinds.FutureViews : ObjectKinds.FutureTables, schema, Text(row, "grantee_name")))
                .Where(g => g.Privilege != "OWNERSHIP"));
        }

        if (prune)
        {
            var managedObjects = objects.Where(o => o.Kind is ObjectKinds.Warehouse or ObjectKinds.Database or ObjectKinds.Schema)
                .Where(o => o.Kind != ObjectKinds.Schema || schemas.Contains(o.Name))
                .Where(o => o.Kind != ObjectKinds.Database || o.Name == database)
                .Where(o => o.Kind != ObjectKinds.Warehouse || declaration.Warehouses.Any(w => SnowflakeNames.Name(w.Name) == o.Name));
            foreach (var target in managedObjects)
            {
                grants.AddRange((await show.ShowAsync($"SHOW GRANTS ON {target.Kind.ToUpperInvariant()} {SnowflakeNames.Sql(target.Name)}", cancellationToken)).Select(Grant).OfType<CatalogGrant>());
            }
        }

        return new CatalogState(objects, [.. grants.Distinct()]);
    }

    /// <summary>
    /// The tables <paramref name="schema"/> (<c>DB._STRATA</c>) holds, by name, and the newest version its
    /// <c>SCHEMA_VERSION</c> records (null when it has none): whether Strata's metadata is there and current.
    /// </summary>
    public async Task<(IReadOnlySet<string> Tables, long? Version)> MetadataAsync(string schema, CancellationToken cancellationToken)
    {
        var tables = (await show.ShowAsync($"SHOW TABLES IN SCHEMA {SnowflakeNames.Sql(schema)}", cancellationToken)).Select(row => Text(row, "name")).ToHashSet(StringComparer.Ordinal);
        if (!tables.Contains(VersionTable))
        {
            return (tables, null);
        }

        var rows = await show.ShowAsync($"SELECT MAX(VERSION) AS VERSION FROM {SnowflakeNames.Sql($"{schema}.{VersionTable}")}", cancellationToken);
        return (tables, rows.Count == 0 || rows[0].GetValueOrDefault("version") is not { Length: > 0 } version
            ? null
            : long.Parse(SnowflakeNames.Number(version), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A row of SHOW GRANTS as a grant; null for what is not managed (ownership, kinds Strata does not declare).</summary>
    private static CatalogGrant? Grant(IReadOnlyDictionary<string, string?> row)
    {
        var privilege = Text(row, "privilege");
        var grantee = Text(row, "grantee_name");
        if (privilege == "OWNERSHIP" || !Text(row, "granted_to").Contains("ROLE", StringComparison.Ordinal))
        {
            return null;
        }

        return Text(row, "granted_on") switch
        {
            "ROLE" when privilege == "USAGE" => new CatalogGrant(CatalogGrant.Member, ObjectKinds.Role, Text(row, "name"), grantee),
            "WAREHOUSE" => new CatalogGrant(privilege, ObjectKinds.Warehouse, Text(row, "name"), grantee),
            "DATABASE" => new CatalogGrant(privilege, ObjectKinds.Database, Text(row, "name"), grantee),
            "SCHEMA" => new CatalogGrant(privilege, ObjectKinds.Schema, Text(row, "name"), grantee),
            "TABLE" or "VIEW" => new CatalogGrant(privilege, ObjectKinds.Table, Text(row, "name"), grantee),
            _ => null,
        };
    }

    private static string Text(IReadOnlyDictionary<string, string?> row, string column) =>
        row.TryGetValue(column, out var value) && value is not null ? value : throw new InfraException($"SHOW output lacks the column '{column}' Strata reads; is this Snowflake's documented SHOW output?");
}
