namespace Strata.Warehouse.Sharing;

/// <summary>
/// The one warehouse handle of a process: opened on first use, lent to every service that asks, closed once when the
/// process ends. An embedded engine allows one writer per file, and a single handle is what makes its writer lock
/// mean something: ingestion, transformation, jobs and the dashboard take turns on it instead of racing on
/// connections of their own. A failed open is not kept: the next request tries again (a server back up).
/// </summary>
public sealed class SharedWarehouse(OpenWarehouse open) : IAsyncDisposable
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private IWarehouse? _warehouse;
    private LentWarehouse? _lent;
    private bool _disposed;

    /// <summary>
    /// Lends the handle (opening it the first time): disposing what it returns leaves the handle open. Every lender
    /// gets the same wrapper, so what is done once per handle (the <c>_strata</c> schema check) is done once.
    /// </summary>
    public OpenWarehouse Lend => async cancellationToken => await GetAsync(cancellationToken);

    private async Task<IWarehouse> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _lent) is { } lent)
        {
            return lent;
        }

        await _opening.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _warehouse ??= await open(cancellationToken);
            return _lent ??= new LentWarehouse(_warehouse);
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _opening.WaitAsync();
        try
        {
            _disposed = true;
            _lent = null;
            if (_warehouse is { } warehouse)
            {
                _warehouse = null;
                await warehouse.DisposeAsync();
            }
        }
        finally
        {
            _opening.Release();
        }
    }
}
