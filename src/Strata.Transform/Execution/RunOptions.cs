namespace Strata.Transform.Execution;

/// <summary>What <c>strata run</c>, <c>test</c> and <c>build</c> do.</summary>
public sealed record RunOptions
{
    /// <summary>Selection criteria (empty: everything).</summary>
    public IReadOnlyList<string> Select { get; init; } = [];

    /// <summary>Criteria to leave out.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Rebuild incremental and changelog models from scratch.</summary>
    public bool FullRefresh { get; init; }

    /// <summary>Models built at once (where the warehouse takes parallel writers).</summary>
    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount);
}

/// <summary>The outcome of a run.</summary>
/// <param name="RunId">Its id in <c>_strata.model_runs</c> and <c>_strata.test_results</c>.</param>
/// <param name="Models">Each model's result.</param>
/// <param name="Tests">Each test's result.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record RunSummary(string RunId, IReadOnlyList<ModelResult> Models, IReadOnlyList<TestResult> Tests, TimeSpan Elapsed)
{
    /// <summary>No model failed and no error-severity test failed or could not run.</summary>
    public bool Succeeded => Models.All(m => m.Status != "error") && Tests.All(t => !t.Blocks);
}

/// <summary>A source table's freshness.</summary>
/// <param name="Source">The table (<c>bronze.orders</c>).</param>
/// <param name="NewestLoad">Newest value of its loaded-at column (UTC), null when empty.</param>
/// <param name="Age">Now minus that.</param>
/// <param name="Status"><c>pass</c>, <c>warn</c>, <c>error</c>, or <c>none</c> without thresholds.</param>
public sealed record FreshnessResult(string Source, DateTime? NewestLoad, TimeSpan? Age, string Status);
