namespace Strata.Ingestion.Resync;

/// <summary>
/// Where each resynced table's newest snapshot stands: its changes at or below that LSN are already in the snapshot,
/// so the stream drops them (and their relation messages leave bronze alone).
/// </summary>
/// <remarks>Lives as long as the service: a retried attempt streams from the same checkpoint and must drop the same changes.</remarks>
internal sealed class ResyncPoints
{
    private readonly Dictionary<string, ulong> _at = new(StringComparer.Ordinal);

    /// <summary>Records a snapshot of <paramref name="bronzeName"/> just taken at <paramref name="lsn"/>.</summary>
    public void Set(string bronzeName, ulong lsn) => _at[bronzeName] = lsn;

    /// <summary>Records a snapshot found in the warehouse, unless a newer one is known.</summary>
    public void Raise(string bronzeName, ulong lsn)
    {
        if (!_at.TryGetValue(bronzeName, out var known) || known < lsn)
        {
            _at[bronzeName] = lsn;
        }
    }

    /// <summary>True when a change of <paramref name="bronzeName"/> at <paramref name="lsn"/> is already in its resync snapshot.</summary>
    public bool Covers(string bronzeName, ulong lsn) => _at.TryGetValue(bronzeName, out var at) && lsn <= at;
}
