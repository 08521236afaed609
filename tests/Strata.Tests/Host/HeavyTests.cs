namespace Strata.Tests.Host;

/// <summary>
/// Tests that load the machine for a minute or more (a live workload against a child <c>strata up</c>): they run
/// alone, after the parallel ones, so that neither disturbs the timing the other depends on.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyTests
{
    /// <summary>The collection's name.</summary>
    public const string Name = "heavy";
}
