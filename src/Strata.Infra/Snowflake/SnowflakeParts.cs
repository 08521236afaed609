namespace Strata.Infra.Snowflake;

/// <summary>
/// The role and compute warehouse each part connects with when <see cref="SnowflakeDeclaration.UsePartRoles"/> is on:
/// the role <c>&lt;prefix&gt;&lt;PART&gt;</c> (<c>STRATA_INGESTION</c>, …) and the warehouse that role has <c>USAGE</c> on.
/// </summary>
public static class SnowflakeParts
{
    /// <summary>The name of <paramref name="part"/>'s role (one of <see cref="Postgres.WarehouseParts.Logins"/>).</summary>
    public static string RoleName(SnowflakeDeclaration declaration, string part)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        ArgumentNullException.ThrowIfNull(part);
        return SnowflakeNames.Name(declaration.Prefix + part.ToUpperInvariant());
    }

    /// <summary><paramref name="part"/>'s role and compute warehouse (null when its role has no warehouse grant: the configured one stays).</summary>
    /// <exception cref="InfraException">The declaration lacks the part's role, or no <c>warehouse.user</c> is configured to grant it to.</exception>
    public static (string Role, string? Warehouse) Of(SnowflakeDeclaration declaration, SnowflakeTarget target, string part)
    {
        if (!declaration.UsePartRoles)
        {
            throw new InvalidOperationException("the parts connect with their own roles only when snowflake.use_part_roles is true");
        }

        var role = RoleName(declaration, part);
        var declared = SnowflakeDefaults.Complete(declaration, target).Roles.First(r => SnowflakeNames.Name(r.Name) == role);
        var warehouse = declared.Grants.FirstOrDefault(g => g.On.Equals("warehouse", StringComparison.OrdinalIgnoreCase)
            && g.Privileges.Any(p => p.Equals("USAGE", StringComparison.OrdinalIgnoreCase)))?.Name;
        return (role, warehouse is null ? null : SnowflakeNames.Name(warehouse));
    }
}
