namespace Strata.Source.Seeding;

/// <summary>What a seed run wrote.</summary>
/// <param name="Rows">Rows per table.</param>
/// <param name="Elapsed">Wall time, including the truncate and index maintenance.</param>
public sealed record SeedResult(IReadOnlyDictionary<string, long> Rows, TimeSpan Elapsed)
{
    /// <summary>All rows written.</summary>
    public long TotalRows => Rows.Values.Sum();

    /// <summary>Rows per second over the whole run.</summary>
    public double RowsPerSecond => TotalRows / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
