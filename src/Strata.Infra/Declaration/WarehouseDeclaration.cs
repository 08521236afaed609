namespace Strata.Infra.Declaration;

/// <summary>The <c>warehouse:</c> section: which roles the parts of Strata get on a PostgreSQL warehouse, and the schemas they use.</summary>
public sealed class WarehouseDeclaration
{
    /// <summary>Whether <c>strata infra</c> manages the warehouse's roles.</summary>
    public bool Manage { get; set; } = true;

    /// <summary>Prefixes every role's name: <c>strata_ingestion</c>, <c>strata_transformation</c>, … (roles are server-wide).</summary>
    public string RolePrefix { get; set; } = "strata_";

    /// <summary>Also a role for people (no login; grant it to analysts) that reads the gold schemas.</summary>
    public bool Analyst { get; set; }

    /// <summary>Where ingestion writes (it owns the schema and its tables).</summary>
    public string BronzeSchema { get; set; } = "bronze";

    /// <summary>Schemas transformation builds besides gold (it owns them).</summary>
    public List<string> SilverSchemas { get; set; } = ["silver"];

    /// <summary>Schemas transformation builds that reports, the dashboard and analysts read.</summary>
    public List<string> GoldSchemas { get; set; } = ["gold"];

    /// <summary>The role of <paramref name="part"/>: <see cref="RolePrefix"/> then the part's name.</summary>
    public string RoleOf(string part) => RolePrefix + part;
}
