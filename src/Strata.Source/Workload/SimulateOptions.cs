using Strata.Errors;

namespace Strata.Source.Workload;

/// <summary>How fast and how long the live workload runs.</summary>
public sealed record SimulateOptions
{
    /// <summary>1 is the original rates; 100 is a hundred times faster.</summary>
    public double Speed { get; init; } = 1;

    /// <summary>Stop after this long; null runs until cancelled.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Seed of the random choices; null picks one.</summary>
    public long? Seed { get; init; }

    /// <summary>Share of order operations replaced by a delete of an order or of one of its items (0 to 1).</summary>
    public double DeleteRate { get; init; }

    /// <summary>Connections working on order operations at once.</summary>
    public int OrderWorkers { get; init; } = Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>Called after each committed operation (the host's heartbeat of the workload).</summary>
    public Action? OnWritten { get; init; }

    /// <summary>The longest a running workload goes between writes at this speed: its most frequent job's period.</summary>
    public TimeSpan WriteInterval => Workload.WorkloadJob.Original(OrderWorkers).Min(j => j.Period) / Speed;

    /// <summary>Rejects values out of range.</summary>
    public void Validate()
    {
        if (!(Speed > 0) || Speed > 100_000)
        {
            throw new UsageException("--speed must be above 0 and at most 100000 (1 is the original rates)");
        }

        if (DeleteRate is < 0 or > 1 || double.IsNaN(DeleteRate))
        {
            throw new UsageException("--delete-rate must be between 0 and 1 (the share of order operations that delete)");
        }

        if (Duration is { } duration && duration <= TimeSpan.Zero)
        {
            throw new UsageException("--duration must be positive, e.g. 30s, 5m or 1h");
        }
    }
}
