namespace Strata.Tests.Host;

/// <summary>
/// The heavy layer: tests that load the machine or kill processes (kill -9 under a live workload, a child
/// <c>strata up</c> end to end, the browser). They run alone, one class at a time, after the parallel ones, so that
/// neither disturbs the timing the other depends on; they carry the trait <c>Layer=heavy</c>, so
/// <c>scripts/test --heavy</c> runs just them and <c>scripts/test --integration</c> everything else.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyTests
{
    /// <summary>The collection's name.</summary>
    public const string Name = "heavy";

    /// <summary>The trait that names a test's layer.</summary>
    public const string Layer = "Layer";
}
