namespace Strata.Host;

/// <summary>
/// The bronze tables ingestion has committed to since the last transformation run: triggers arriving while a run
/// is in progress are coalesced into the next one.
/// </summary>
public sealed class TransformTrigger
{
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Lock _gate = new();

    /// <summary>Records tables ingestion just committed to.</summary>
    public void Add(IReadOnlyCollection<string> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        lock (_gate)
        {
            _pending.UnionWith(tables);
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
    }

    /// <summary>Waits for at least one table, then takes every table pending.</summary>
    public async Task<IReadOnlyCollection<string>> WaitAsync(CancellationToken cancellationToken)
    {
        await _signal.WaitAsync(cancellationToken);
        lock (_gate)
        {
            var tables = _pending.ToList();
            _pending.Clear();
            return tables;
        }
    }
}
