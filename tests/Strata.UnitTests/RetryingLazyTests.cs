using Strata.Host.Web;

namespace Strata.UnitTests;

public sealed class RetryingLazyTests
{
    [Fact]
    public async Task A_failed_making_is_made_again_on_the_next_use_and_a_made_value_is_kept()
    {
        var calls = 0;
        var lazy = new RetryingLazy<string>(async () =>
        {
            await Task.Yield();
            return ++calls == 1 ? throw new InvalidOperationException("the warehouse is down") : $"made by call {calls}";
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => lazy.Value);
        Assert.Equal("made by call 2", await lazy.Value);
        Assert.Equal("made by call 2", await lazy.Value);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Concurrent_first_uses_share_one_making()
    {
        var calls = 0;
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lazy = new RetryingLazy<int>(() =>
        {
            Interlocked.Increment(ref calls);
            return gate.Task;
        });

        // Each thread takes the value's task without waiting for it (boxed, so that Task.Run does not unwrap it).
        var taken = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => (object)lazy.Value)));
        gate.SetResult(42);

        Assert.All(await Task.WhenAll(taken.Cast<Task<int>>()), v => Assert.Equal(42, v));
        Assert.Equal(1, calls);
    }
}
