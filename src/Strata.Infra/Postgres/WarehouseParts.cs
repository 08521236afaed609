namespace Strata.Infra.Postgres;

/// <summary>The parts of Strata that get a role of their own on a warehouse, and the secret each login's password is kept under.</summary>
public static class WarehouseParts
{
    /// <summary>Writes bronze and its checkpoints.</summary>
    public const string Ingestion = "ingestion";

    /// <summary>Reads bronze, writes silver and gold and its run history.</summary>
    public const string Transformation = "transformation";

    /// <summary>Reads gold; logs its deliveries.</summary>
    public const string Reports = "reports";

    /// <summary>The host's dashboard: reads gold and every metadata table it shows; logs the host's job runs and alerts.</summary>
    public const string Dashboard = "dashboard";

    /// <summary>People: reads gold (no login; grant the role to analysts' own logins).</summary>
    public const string Analyst = "analyst";

    /// <summary>The parts that connect as a login of their own.</summary>
    public static IReadOnlyList<string> Logins { get; } = [Ingestion, Transformation, Reports, Dashboard];

    /// <summary>The secret-store name of <paramref name="part"/>'s password.</summary>
    public static string SecretName(string part) => $"warehouse_{part}_password";
}
