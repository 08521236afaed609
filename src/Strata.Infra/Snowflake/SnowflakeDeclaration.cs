namespace Strata.Infra.Snowflake;

/// <summary>
/// The <c>snowflake:</c> section of infra.yml: the database and its schemas, compute warehouses, resource monitors,
/// a role per part and their grants. An empty section means <see cref="SnowflakeDefaults"/>.
/// </summary>
public sealed class SnowflakeDeclaration
{
    /// <summary>The database Strata writes to; unset means strata.yml's <c>warehouse.database</c>, so the two cannot disagree.</summary>
    public string? Database { get; set; }

    /// <summary>Prefixes the default roles, compute warehouses and resource monitor: <c>STRATA_INGESTION</c>, <c>STRATA_INGESTION_WH</c>, <c>STRATA_MONITOR</c>.</summary>
    public string Prefix { get; set; } = "STRATA_";

    /// <summary>
    /// Whether each part connects with its own role (<c>&lt;prefix&gt;INGESTION</c>, …) and that role's compute warehouse,
    /// as the configured <c>warehouse.user</c>, to whom plan and apply then grant the part roles.
    /// </summary>
    public bool UsePartRoles { get; set; }

    /// <summary>Its schemas.</summary>
    public List<string> Schemas { get; set; } = ["BRONZE", "SILVER", "GOLD", "_STRATA"];

    /// <summary>Compute warehouses; empty means one per part (<see cref="SnowflakeDefaults"/>).</summary>
    public List<ComputeWarehouse> Warehouses { get; set; } = [];

    /// <summary>Resource monitors; empty means one for all of Strata's warehouses.</summary>
    public List<ResourceMonitor> ResourceMonitors { get; set; } = [];

    /// <summary>Roles and what each may do; empty means one per part.</summary>
    public List<SnowflakeRole> Roles { get; set; } = [];
}

/// <summary>A compute warehouse (<c>CREATE WAREHOUSE</c>).</summary>
public sealed class ComputeWarehouse
{
    /// <summary>Its name.</summary>
    public string Name { get; set; } = "";

    /// <summary><c>XSMALL</c>, <c>SMALL</c>, … (SHOW WAREHOUSES spells it <c>X-Small</c>; both are accepted).</summary>
    public string Size { get; set; } = "XSMALL";

    /// <summary>Seconds idle before it suspends.</summary>
    public int AutoSuspend { get; set; } = 60;

    /// <summary>Whether a query resumes it.</summary>
    public bool AutoResume { get; set; } = true;

    /// <summary>The resource monitor that caps its credits, if any.</summary>
    public string? ResourceMonitor { get; set; }
}

/// <summary>A resource monitor (<c>CREATE RESOURCE MONITOR</c>).</summary>
public sealed class ResourceMonitor
{
    /// <summary>Its name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Credits per period.</summary>
    public int CreditQuota { get; set; } = 100;

    /// <summary><c>MONTHLY</c>, <c>DAILY</c>, <c>WEEKLY</c>, <c>YEARLY</c> or <c>NEVER</c>.</summary>
    public string Frequency { get; set; } = "MONTHLY";
}

/// <summary>A role and its grants.</summary>
public sealed class SnowflakeRole
{
    /// <summary>Its name.</summary>
    public string Name { get; set; } = "";

    /// <summary>What it may do.</summary>
    public List<SnowflakeGrant> Grants { get; set; } = [];

    /// <summary>The users it is granted to (<c>GRANT ROLE … TO USER …</c>).</summary>
    public List<string> Users { get; set; } = [];
}

/// <summary>
/// Privileges on one object: <c>on: warehouse|database|schema|table|future tables|future views|role</c> and its name
/// (<c>DB.SCHEMA</c> for a schema or its future tables or views, <c>DB.SCHEMA.TABLE</c> for a table).
/// </summary>
public sealed class SnowflakeGrant
{
    /// <summary>E.g. <c>[USAGE]</c>, <c>[SELECT]</c>, <c>[CREATE TABLE, USAGE]</c>.</summary>
    public List<string> Privileges { get; set; } = [];

    /// <summary>The kind of object.</summary>
    public string On { get; set; } = "";

    /// <summary>The object.</summary>
    public string Name { get; set; } = "";
}
