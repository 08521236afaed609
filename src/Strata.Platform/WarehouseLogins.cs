using Strata.Configuration;
using Strata.Infra.Declaration;
using Strata.Infra.Postgres;
using Strata.Infra.Snowflake;

namespace Strata.Platform;

/// <summary>
/// Which login a part of Strata reaches the warehouse as. On PostgreSQL, once <c>strata infra apply</c> has made the
/// part's login, the secret store holds its password (<c>.strata/secrets/warehouse_&lt;part&gt;_password</c>) and
/// the part connects as that login (<c>strata_ingestion</c>, …). On Snowflake, when infra.yml says
/// <c>snowflake: {use_part_roles: true}</c>, the part connects as the same user with its own role and compute
/// warehouse (<c>STRATA_INGESTION</c> on <c>STRATA_INGESTION_WH</c>, …), which apply grants to that user. Otherwise —
/// infra never applied, DuckDB, <c>warehouse.manage: false</c> or no <c>use_part_roles</c> — it connects as the
/// configured <c>warehouse.user</c> and <c>warehouse.role</c>, as before.
/// </summary>
public static class WarehouseLogins
{
    /// <summary>Ingestion's login (bronze and its checkpoints).</summary>
    public const string Ingestion = WarehouseParts.Ingestion;

    /// <summary>Transformation's login (silver, gold, run history).</summary>
    public const string Transformation = WarehouseParts.Transformation;

    /// <summary>Reports' login (reads gold).</summary>
    public const string Reports = WarehouseParts.Reports;

    /// <summary>The dashboard's login (reads gold and the metadata it shows).</summary>
    public const string Dashboard = WarehouseParts.Dashboard;

    /// <summary><paramref name="config"/> as <paramref name="part"/> reaches the warehouse.</summary>
    /// <exception cref="Strata.Infra.InfraException">infra.yml asks for part roles on Snowflake but lacks the part's role, or no <c>warehouse.user</c> is set.</exception>
    public static StrataConfig For(StrataConfig config, string part)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Text(Settings.WarehouseEngine) switch
        {
            "postgres" => PostgresLogin(config, part),
            "snowflake" => SnowflakePartRole(config, part),
            _ => config,
        };
    }

    private static StrataConfig PostgresLogin(StrataConfig config, string part)
    {
        if (config.SecretStore.Read(WarehouseParts.SecretName(part)) is not { Length: > 0 } password)
        {
            return config;
        }

        var declaration = InfraFile.Load(config.ProjectDirectory).Warehouse;
        return declaration.Manage
            ? config.WithWarehouseLogin(declaration.RoleOf(part), password, $"strata infra: {part}'s login (secret store .strata/secrets/{WarehouseParts.SecretName(part)})")
            : config;
    }

    // No secret marks an apply on Snowflake (the user and key stay the same), so infra.yml says it in so many words.
    private static StrataConfig SnowflakePartRole(StrataConfig config, string part)
    {
        if (InfraFile.Load(config.ProjectDirectory).Snowflake is not { UsePartRoles: true } declaration)
        {
            return config;
        }

        var (role, warehouse) = SnowflakeParts.Of(declaration, SnowflakeTarget.From(config), part);
        List<(SettingDefinition, string)> settings = [(Settings.WarehouseRole, role)];
        if (warehouse is not null)
        {
            settings.Add((Settings.WarehouseCompute, warehouse));
        }

        return config.With(settings, $"infra.yml snowflake.use_part_roles: {part}'s role, which `strata infra apply` grants to warehouse.user");
    }
}
