using Strata.Source.Seeding;

namespace Strata.Source;

/// <summary>What <c>strata source up</c> did.</summary>
/// <param name="Address">Where the local source listens.</param>
/// <param name="Created">True when the cluster was created now.</param>
/// <param name="Started">True when the server was started now.</param>
/// <param name="Changes">Schema, role and publication changes applied.</param>
/// <param name="Seeded">The initial data written to a new cluster.</param>
public sealed record UpResult(string Address, bool Created, bool Started, IReadOnlyList<string> Changes, SeedResult? Seeded)
{
    /// <summary>True when the source was already up and complete.</summary>
    public bool NothingChanged => !Created && !Started && Changes.Count == 0;
}
