namespace Strata.Infra.Declaration;

/// <summary>
/// <c>infra.yml</c>: every role and grant Strata needs. Every key is optional; with no file at all the defaults
/// describe the least-privilege set-up of docs/infra.md.
/// </summary>
public sealed class InfraDeclaration
{
    /// <summary>The source half: the CDC login, its privileges and the publication (names from strata.yml's <c>source.*</c>).</summary>
    public SourceDeclaration Source { get; set; } = new();

    /// <summary>The warehouse half on PostgreSQL: a role per part.</summary>
    public WarehouseDeclaration Warehouse { get; set; } = new();

    /// <summary>The warehouse half on Snowflake (databases, schemas, compute warehouses, monitors, roles, grants); null when not used.</summary>
    public Snowflake.SnowflakeDeclaration? Snowflake { get; set; }
}

/// <summary>The <c>source:</c> section.</summary>
public sealed class SourceDeclaration
{
    /// <summary>Whether <c>strata infra</c> manages the source (false when someone else owns that server).</summary>
    public bool Manage { get; set; } = true;
}
