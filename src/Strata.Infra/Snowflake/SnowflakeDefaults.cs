using Strata.Infra.Postgres;

namespace Strata.Infra.Snowflake;

/// <summary>
/// What an empty <c>snowflake:</c> section means: one compute warehouse per part (X-Small, suspended after 60 s,
/// resumed by a query) under one monthly resource monitor, and a role per part with the least it needs — the same
/// split as on PostgreSQL. Future grants give readers the tables their writers create later. Names start with the
/// declaration's <see cref="SnowflakeDeclaration.Prefix"/>.
/// </summary>
internal static class SnowflakeDefaults
{
    /// <summary>Strata's metadata schema as Snowflake stores it (the adapter writes <c>_strata</c> upper-cased).</summary>
    public const string MetadataSchema = "_STRATA";

    /// <summary>
    /// <paramref name="declared"/> with every default filled in — the database from <paramref name="target"/>, the
    /// warehouses, monitors and roles — and, with <see cref="SnowflakeDeclaration.UsePartRoles"/>, each part's role granted
    /// to the user Strata connects as. What the planner and <see cref="SnowflakeParts"/> work from.
    /// </summary>
    public static SnowflakeDeclaration Complete(SnowflakeDeclaration declared, SnowflakeTarget target)
    {
        var database = declared.Database ?? target.Database;
        var roles = declared.Roles.Count > 0 ? declared.Roles : Roles(declared.Prefix, database);
        if (declared.UsePartRoles)
        {
            var user = target.User ?? throw new InfraException(
                "infra.yml: snowflake.use_part_roles grants the parts' roles to warehouse.user, which is not set; set it in strata.yml or STRATA_WAREHOUSE_USER");
            var parts = WarehouseParts.Logins.Select(part => SnowflakeNames.Name(SnowflakeParts.RoleName(declared, part))).ToHashSet(StringComparer.Ordinal);
            if (parts.FirstOrDefault(p => !roles.Any(r => SnowflakeNames.Name(r.Name) == p)) is { } missing)
            {
                throw new InfraException($"infra.yml: snowflake.use_part_roles is true, but no role {missing} is declared; declare it under snowflake.roles, or leave roles out for the defaults");
            }

            roles = [.. roles.Select(r => parts.Contains(SnowflakeNames.Name(r.Name)) ? new SnowflakeRole { Name = r.Name, Grants = r.Grants, Users = [.. r.Users, user] } : r)];
        }

        return new SnowflakeDeclaration
        {
            Database = database,
            Schemas = declared.Schemas,
            Prefix = declared.Prefix,
            UsePartRoles = declared.UsePartRoles,
            Warehouses = declared.Warehouses.Count > 0 ? declared.Warehouses : Warehouses(declared.Prefix),
            ResourceMonitors = declared.ResourceMonitors.Count > 0 ? declared.ResourceMonitors : declared.Warehouses.Count > 0 ? [] : [new() { Name = declared.Prefix + "MONITOR" }],
            Roles = roles,
        };
    }

    private static List<ComputeWarehouse> Warehouses(string prefix) =>
        [.. new[] { "INGESTION", "TRANSFORMATION", "REPORTS" }.Select(part => new ComputeWarehouse { Name = $"{prefix}{part}_WH", ResourceMonitor = prefix + "MONITOR" })];

    private static List<SnowflakeRole> Roles(string prefix, string database)
    {
        string Schema(string name) => $"{database}.{name}";
        SnowflakeGrant Grant(string on, string name, params string[] privileges) => new() { On = on, Name = name, Privileges = [.. privileges] };
        SnowflakeRole Role(string part, string warehouse, params SnowflakeGrant[] grants) => new()
        {
            Name = prefix + part.ToUpperInvariant(),
            Grants = [Grant("warehouse", prefix + warehouse, "USAGE"), Grant("database", database, "USAGE"), .. grants, .. Metadata(database, part)],
        };

        return
        [
            Role(WarehouseParts.Ingestion, "INGESTION_WH",
                Grant("schema", Schema("BRONZE"), "USAGE", "CREATE TABLE")),

            // CREATE SCHEMA: its scratch schema (_STRATA_STAGE) and the custom schemas a dbt project's models name.
            Role(WarehouseParts.Transformation, "TRANSFORMATION_WH",
                Grant("database", database, "CREATE SCHEMA"),
                Grant("schema", Schema("BRONZE"), "USAGE"),
                Grant("future tables", Schema("BRONZE"), "SELECT"),
                Grant("schema", Schema("SILVER"), "USAGE", "CREATE TABLE", "CREATE VIEW"),
                Grant("schema", Schema("GOLD"), "USAGE", "CREATE TABLE", "CREATE VIEW")),
            // Views too: a dbt project's marts may be views, which Snowflake's future tables do not cover.
            Role(WarehouseParts.Reports, "REPORTS_WH",
                Grant("schema", Schema("GOLD"), "USAGE"),
                Grant("future tables", Schema("GOLD"), "SELECT"),
                Grant("future views", Schema("GOLD"), "SELECT")),
            Role(WarehouseParts.Dashboard, "REPORTS_WH",
                Grant("schema", Schema("GOLD"), "USAGE"),
                Grant("future tables", Schema("GOLD"), "SELECT"),
                Grant("future views", Schema("GOLD"), "SELECT")),
        ];
    }

    /// <summary>
    /// The part's tables of <c>_STRATA</c>, as on PostgreSQL (<see cref="MetadataAccess"/>): the admin creates them
    /// (<see cref="SnowflakePlanner"/>), so no part owns another's records or may create tables there.
    /// </summary>
    private static IEnumerable<SnowflakeGrant> Metadata(string database, string part) =>
        MetadataAccess.Of(part).GroupBy(a => a.Table).Select(table => new SnowflakeGrant
        {
            On = "table",
            Name = $"{database}.{MetadataSchema}.{table.Key.ToUpperInvariant()}",
            Privileges = [.. table.Select(a => a.Privilege)],
        }).Prepend(new SnowflakeGrant { On = "schema", Name = $"{database}.{MetadataSchema}", Privileges = ["USAGE"] });
}
