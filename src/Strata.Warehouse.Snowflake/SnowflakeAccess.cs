namespace Strata.Warehouse.Snowflake;

/// <summary>
/// <c>strata doctor</c>'s checks of a Snowflake login beyond the connection: the session's role, a compute warehouse
/// it may use (and will resume), and Strata's schema <c>_strata</c>: there and visible to the role, or else created —
/// tried, as the first run would do anyway, because a role's grants may come through other roles and only trying tells.
/// </summary>
internal static class SnowflakeAccess
{
    public static async Task<IReadOnlyList<WarehouseAccessCheck>> CheckAsync(SnowflakeWarehouse warehouse, CancellationToken cancellationToken)
    {
        var session = await warehouse.QueryAsync("SELECT CURRENT_ROLE(), CURRENT_WAREHOUSE(), CURRENT_DATABASE()", null, cancellationToken);
        var (role, compute, database) = (session[0][0] as string, session[0][1] as string, session[0][2] as string);
        var checks = new List<WarehouseAccessCheck>
        {
            new("snowflake role", role is not null, role ?? "no role in the session",
                "grant the user a role and set warehouse.role (GRANT ROLE <role> TO USER <user>)"),
        };

        if (compute is null)
        {
            checks.Add(new("compute warehouse", false, "no compute warehouse is usable: warehouse.warehouse is unset, does not exist, or the role has no USAGE on it",
                $"set warehouse.warehouse and run GRANT USAGE ON WAREHOUSE <name> TO ROLE {role ?? "<role>"}"));
        }
        else
        {
            checks.Add(await ComputeAsync(warehouse, compute, cancellationToken));
        }

        try
        {
            await warehouse.EnsureSchemaAsync("_strata", cancellationToken);
            checks.Add(new("schema privileges", true, $"role {role} can use or create Strata's schema _strata in {database}"));
        }
        catch (WarehouseException ex) when (ex.Kind == WarehouseErrorKind.Permission)
        {
            checks.Add(new("schema privileges", false, $"role {role} cannot create schemas in database {database}",
                $"GRANT USAGE, CREATE SCHEMA ON DATABASE {database} TO ROLE {role}"));
        }

        return checks;
    }

    /// <summary>The warehouse's size and state; suspended without auto-resume, every statement would wait on it.</summary>
    private static async Task<WarehouseAccessCheck> ComputeAsync(SnowflakeWarehouse warehouse, string compute, CancellationToken cancellationToken)
    {
        var shown = await warehouse.QueryAsync($"SHOW WAREHOUSES LIKE {SnowflakeLiterals.Text(compute)}", null, cancellationToken);
        var columns = shown.Columns.ToList();
        string? Field(string name) => shown.Count == 0 || columns.IndexOf(name) is var i && i < 0 ? null : Convert.ToString(shown[0][i], System.Globalization.CultureInfo.InvariantCulture);

        var (state, size, resume) = (Field("state"), Field("size"), Field("auto_resume"));
        var detail = $"{compute} ({size ?? "size unknown"}, {state?.ToLowerInvariant() ?? "state unknown"}, auto-resume {resume ?? "unknown"})";
        return state == "SUSPENDED" && resume == "false"
            ? new("compute warehouse", false, detail + ": suspended and will not resume on its own",
                $"ALTER WAREHOUSE {compute} SET AUTO_RESUME = TRUE (or RESUME it)")
            : new("compute warehouse", true, detail);
    }
}
