namespace Strata.Host.Web;

/// <summary>
/// A value made on first use and kept, as <see cref="Lazy{T}"/> of a task, except that a failed or cancelled making
/// is not kept: the next use makes it again. A warehouse that was unreachable when the dashboard first asked must
/// not leave the dashboard broken until the host restarts.
/// </summary>
/// <typeparam name="T">The value.</typeparam>
/// <param name="make">Makes it; called again only after a failure.</param>
internal sealed class RetryingLazy<T>(Func<Task<T>> make)
{
    private readonly Lock _gate = new();
    private Task<T>? _value;

    /// <summary>The value being made or made; a new making when the last one failed.</summary>
    public Task<T> Value
    {
        get
        {
            lock (_gate)
            {
                if (_value is null || _value.IsFaulted || _value.IsCanceled)
                {
                    _value = make();
                }

                return _value;
            }
        }
    }
}
