namespace Strata.Source.Seeding;

/// <summary>
/// A tiny deterministic generator (SplitMix64) seeded per row, so that row N's values depend only on the seed,
/// the table and N — never on how many threads wrote the rows or in what order.
/// </summary>
internal struct RowRandom
{
    private ulong _state;

    public RowRandom(long seed, int table, long row)
    {
        _state = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)table << 56 ^ (ulong)row);
        Next();
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        unchecked
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A number in [0, <paramref name="bound"/>).</summary>
    public long Below(long bound) => (long)(Next() % (ulong)bound);
}
