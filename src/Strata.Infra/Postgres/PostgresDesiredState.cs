using Strata.Infra.Catalog;
using Strata.Infra.Declaration;
using Strata.Warehouse.Metadata;

namespace Strata.Infra.Postgres;

/// <summary>
/// The roles and grants a PostgreSQL warehouse should have, from the declaration and the tables the warehouse holds:
/// ingestion owns bronze, transformation owns silver and gold and reads bronze, reports, the dashboard and analysts
/// read gold; each reads and writes only its own part of <c>_strata</c>. Default privileges give the readers the
/// tables their writers create later, so a new model needs no new apply.
/// </summary>
internal static class PostgresDesiredState
{
    /// <summary>The attribute value of a login whose password the secret store holds.</summary>
    public const string PasswordKept = "in the secret store";

    /// <param name="declaration">The warehouse section of infra.yml.</param>
    /// <param name="database">The warehouse database.</param>
    /// <param name="live">What the server has.</param>
    /// <param name="sharesSourceDatabase">
    /// The warehouse is the source's own database: what PUBLIC may do there is the business's, never revoked. Otherwise
    /// PUBLIC is a role like any Strata does not manage: its CONNECT and TEMPORARY on the warehouse go with --prune.
    /// </param>
    public static DesiredState Build(WarehouseDeclaration declaration, string database, PostgresCatalog live, bool sharesSourceDatabase)
    {
        var objects = new List<CatalogObject>();
        var grants = new List<CatalogGrant>();
        var ingestion = declaration.RoleOf(WarehouseParts.Ingestion);
        var transformation = declaration.RoleOf(WarehouseParts.Transformation);
        var readers = new List<string> { declaration.RoleOf(WarehouseParts.Reports), declaration.RoleOf(WarehouseParts.Dashboard) };
        if (declaration.Analyst)
        {
            readers.Add(declaration.RoleOf(WarehouseParts.Analyst));
        }

        foreach (var part in Parts(declaration))
        {
            var role = declaration.RoleOf(part);
            objects.Add(new CatalogObject(ObjectKinds.Role, role, part == WarehouseParts.Analyst
                ? new Dictionary<string, string> { ["login"] = "false" }
                : new Dictionary<string, string> { ["login"] = "true", ["password"] = PasswordKept }));
            grants.Add(new CatalogGrant("CONNECT", ObjectKinds.Database, database, role));
            if (part != WarehouseParts.Analyst)
            {
                grants.Add(new CatalogGrant("USAGE", ObjectKinds.Schema, StrataSchema.Name, role));
                grants.AddRange(MetadataAccess.Of(part).Select(a => new CatalogGrant(a.Privilege, ObjectKinds.Table, $"{StrataSchema.Name}.{a.Table}", role)));
            }
        }

        Owned(objects, live, declaration.BronzeSchema, ingestion);
        Readable(grants, live, declaration.BronzeSchema, ingestion, [transformation]);
        foreach (var schema in declaration.SilverSchemas)
        {
            Owned(objects, live, schema, transformation);
        }

        foreach (var schema in declaration.GoldSchemas)
        {
            Owned(objects, live, schema, transformation);
            Readable(grants, live, schema, transformation, readers);
        }

        var managed = objects.Where(o => o.Kind == ObjectKinds.Role).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var protectedGrantees = (sharesSourceDatabase ? live.Admins.Append(CatalogGrant.Public) : live.Admins).ToHashSet(StringComparer.Ordinal);
        return new DesiredState(new CatalogState(objects, grants), managed, protectedGrantees);
    }

    /// <summary>The parts the declaration gives a role.</summary>
    public static IEnumerable<string> Parts(WarehouseDeclaration declaration) =>
        declaration.Analyst ? [.. WarehouseParts.Logins, WarehouseParts.Analyst] : WarehouseParts.Logins;

    /// <summary>Every schema the declaration manages.</summary>
    public static IReadOnlyList<string> Schemas(WarehouseDeclaration declaration) =>
        [declaration.BronzeSchema, .. declaration.SilverSchemas, .. declaration.GoldSchemas, StrataSchema.Name];

    private static void Owned(List<CatalogObject> objects, PostgresCatalog live, string schema, string owner)
    {
        objects.Add(new CatalogObject(ObjectKinds.Schema, schema, new Dictionary<string, string> { ["owner"] = owner }));
        objects.AddRange(live.TablesOf(schema).Select(t => t with { Attributes = new Dictionary<string, string> { ["owner"] = owner } }));
    }

    private static void Readable(List<CatalogGrant> grants, PostgresCatalog live, string schema, string writer, IEnumerable<string> readers)
    {
        foreach (var reader in readers)
        {
            grants.Add(new CatalogGrant("USAGE", ObjectKinds.Schema, schema, reader));
            grants.AddRange(live.TablesOf(schema).Select(t => new CatalogGrant("SELECT", ObjectKinds.Table, t.Name, reader)));
            grants.Add(new CatalogGrant("SELECT", ObjectKinds.FutureTables, schema, reader, writer));
        }
    }
}
