using Strata.Errors;

namespace Strata.Source.Seeding;

/// <summary>How much sample data to write, and from which seed.</summary>
public sealed record SeedOptions
{
    /// <summary>Number of customers.</summary>
    public int Customers { get; init; } = 5;

    /// <summary>Number of products.</summary>
    public int Products { get; init; } = 30;

    /// <summary>Number of orders.</summary>
    public int Orders { get; init; } = 10;

    /// <summary>Items on every order (every order, open ones above all, has items).</summary>
    public int ItemsPerOrder { get; init; } = 25;

    /// <summary>The seed: the same options give identical rows.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>The newest order date; orders span the year before it.</summary>
    public DateOnly AsOf { get; init; } = new(2026, 1, 1);

    /// <summary>Parallel COPY streams for orders and items.</summary>
    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>The initial data of a new development source (5 customers, 30 products, 10 orders).</summary>
    public static SeedOptions Initial { get; } = new();

    /// <summary>Rejects combinations that would break the workload's rules.</summary>
    public void Validate()
    {
        if (Customers < 1 || Products < 1 || Orders < 0 || ItemsPerOrder < 1 || Threads < 1)
        {
            throw new UsageException(
                "seed needs --customers ≥ 1, --products ≥ 1, --orders ≥ 0, --items-per-order ≥ 1 (every order has items) and --threads ≥ 1");
        }

        if ((long)Orders * ItemsPerOrder > 2_000_000_000)
        {
            throw new UsageException("--orders × --items-per-order must stay under 2,000,000,000 items");
        }
    }
}
