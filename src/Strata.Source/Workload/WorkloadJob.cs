namespace Strata.Source.Workload;

/// <summary>One of the original pg_cron jobs: every <paramref name="Period"/>, <paramref name="OperationsPerRun"/> operations.</summary>
/// <param name="Name">Shown in output.</param>
/// <param name="Period">Interval between runs at speed 1.</param>
/// <param name="OperationsPerRun">Operations (transactions) per run: the original loops ran 5 (+1), 10 (+1) and 100 (+1) times.</param>
/// <param name="Workers">Connections working on one run's operations at once.</param>
internal sealed record WorkloadJob(string Name, TimeSpan Period, int OperationsPerRun, int Workers)
{
    /// <summary>The three jobs of the original workload.</summary>
    public static IReadOnlyList<WorkloadJob> Original(int orderWorkers) =>
    [
        new("customers", TimeSpan.FromMinutes(2), 6, 1),
        new("products", TimeSpan.FromMinutes(2), 11, 1),
        new("orders", TimeSpan.FromMinutes(1), 101, orderWorkers),
    ];

    /// <summary>Operations per second at speed 1.</summary>
    public double RatePerSecond => OperationsPerRun / Period.TotalSeconds;
}
