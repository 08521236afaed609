namespace Strata.Infra.Snowflake;

/// <summary>
/// What an empty <c>snowflake:</c> section means: one compute warehouse per part (X-Small, suspended after 60 s,
/// resumed by a query) under one monthly resource monitor, and a role per part with the least it needs — the same
/// split as on PostgreSQL. Future grants give readers the tables their writers create later.
/// </summary>
internal static class SnowflakeDefaults
{
    public const string Monitor = "STRATA_MONITOR";

    public static List<ComputeWarehouse> Warehouses() =>
        [.. new[] { "INGESTION", "TRANSFORMATION", "REPORTS" }.Select(part => new ComputeWarehouse { Name = $"STRATA_{part}_WH", ResourceMonitor = Monitor })];

    public static List<ResourceMonitor> Monitors() => [new() { Name = Monitor }];

    public static List<SnowflakeRole> Roles(SnowflakeDeclaration declaration)
    {
        var database = declaration.Database;
        string Schema(string name) => $"{database}.{name}";
        SnowflakeGrant Grant(string on, string name, params string[] privileges) => new() { On = on, Name = name, Privileges = [.. privileges] };
        SnowflakeRole Role(string part, string warehouse, params SnowflakeGrant[] grants) =>
            new() { Name = $"STRATA_{part}", Grants = [Grant("warehouse", warehouse, "USAGE"), Grant("database", database, "USAGE"), .. grants] };

        return
        [
            Role("INGESTION", "STRATA_INGESTION_WH",
                Grant("schema", Schema("BRONZE"), "USAGE", "CREATE TABLE"),
                Grant("schema", Schema("_STRATA"), "USAGE", "CREATE TABLE")),
            Role("TRANSFORMATION", "STRATA_TRANSFORMATION_WH",
                Grant("schema", Schema("BRONZE"), "USAGE"),
                Grant("future tables", Schema("BRONZE"), "SELECT"),
                Grant("schema", Schema("SILVER"), "USAGE", "CREATE TABLE", "CREATE VIEW"),
                Grant("schema", Schema("GOLD"), "USAGE", "CREATE TABLE", "CREATE VIEW"),
                Grant("schema", Schema("_STRATA"), "USAGE", "CREATE TABLE"),
                Grant("future tables", Schema("_STRATA"), "SELECT")),
            Role("REPORTS", "STRATA_REPORTS_WH",
                Grant("schema", Schema("GOLD"), "USAGE"),
                Grant("future tables", Schema("GOLD"), "SELECT")),
            Role("DASHBOARD", "STRATA_REPORTS_WH",
                Grant("schema", Schema("GOLD"), "USAGE"),
                Grant("future tables", Schema("GOLD"), "SELECT"),
                Grant("schema", Schema("_STRATA"), "USAGE"),
                Grant("future tables", Schema("_STRATA"), "SELECT")),
        ];
    }
}
