using Strata.Configuration;
using Strata.Infra.Declaration;
using Strata.Infra.Postgres;

namespace Strata.Platform;

/// <summary>
/// Which login a part of Strata reaches the warehouse as. On PostgreSQL, once <c>strata infra apply</c> has made the
/// part's login, the secret store holds its password (<c>.strata/secrets/warehouse_&lt;part&gt;_password</c>) and
/// the part connects as that login (<c>strata_ingestion</c>, …). Without it — infra never applied, DuckDB, or
/// <c>warehouse.manage: false</c> in infra.yml — it connects as the configured <c>warehouse.user</c>, as before.
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
    public static StrataConfig For(StrataConfig config, string part)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Text(Settings.WarehouseEngine) != "postgres" || config.SecretStore.Read(WarehouseParts.SecretName(part)) is not { Length: > 0 } password)
        {
            return config;
        }

        var declaration = InfraFile.Load(config.ProjectDirectory).Warehouse;
        return declaration.Manage
            ? config.WithWarehouseLogin(declaration.RoleOf(part), password, $"strata infra: {part}'s login (secret store .strata/secrets/{WarehouseParts.SecretName(part)})")
            : config;
    }
}
