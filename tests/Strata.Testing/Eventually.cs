namespace Strata.Testing;

/// <summary>Waits for a condition a test can observe, with a deadline that fails loudly, naming what it waited for.</summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    /// <exception cref="TimeoutException">It did not hold within <paramref name="timeout"/>.</exception>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        await ValueAsync(async () => await condition() ? true : (bool?)null, timeout, what);
    }

    /// <summary>Waits until <paramref name="probe"/> returns a value, and returns it.</summary>
    /// <exception cref="TimeoutException">It returned none within <paramref name="timeout"/>.</exception>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(probe);
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            try
            {
                await Task.Delay(Poll, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                // One last look: the condition may have come true while the deadline passed.
                return await probe() ?? throw new TimeoutException($"waited {timeout.TotalSeconds:0.#} s for {what}");
            }
        }
    }

    /// <summary>Waits until <paramref name="probe"/> returns a value; synchronous probes.</summary>
    public static Task<T> ValueAsync<T>(Func<T?> probe, TimeSpan timeout, string what) =>
        ValueAsync(() => Task.FromResult(probe()), timeout, what);
}
