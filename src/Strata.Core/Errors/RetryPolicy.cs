using Polly;
using Polly.Retry;

namespace Strata.Errors;

/// <summary>The one retry policy of Strata (Polly): transient failures (<see cref="TransientFailure"/>) again after an exponential backoff with jitter, on the clock given.</summary>
public static class RetryPolicy
{
    /// <summary>A pipeline that retries <paramref name="retries"/> times.</summary>
    /// <param name="clock">Times the backoff (tests pass a fake clock).</param>
    /// <param name="retries">Attempts after the first.</param>
    /// <param name="firstDelay">The first wait; each next one doubles, with jitter.</param>
    /// <param name="onRetry">Told the failure, the number of the attempt about to start and the wait before it.</param>
    /// <param name="isTransient">Which failures are retried; <see cref="TransientFailure.Is"/> unless given.</param>
    /// <param name="maxDelay">The longest wait.</param>
    public static ResiliencePipeline Create(
        TimeProvider clock, int retries, TimeSpan firstDelay, Action<Exception, int, TimeSpan>? onRetry = null, Func<Exception, bool>? isTransient = null, TimeSpan? maxDelay = null) =>
        new ResiliencePipelineBuilder { TimeProvider = clock }.AddRetry(Options<object, RetryStrategyOptions>(retries, firstDelay, onRetry, isTransient, maxDelay)).Build();

    /// <summary>The same for an operation that returns a value.</summary>
    public static ResiliencePipeline<T> Create<T>(
        TimeProvider clock, int retries, TimeSpan firstDelay, Action<Exception, int, TimeSpan>? onRetry = null, Func<Exception, bool>? isTransient = null, TimeSpan? maxDelay = null) =>
        new ResiliencePipelineBuilder<T> { TimeProvider = clock }.AddRetry(Options<T, RetryStrategyOptions<T>>(retries, firstDelay, onRetry, isTransient, maxDelay)).Build();

    private static TOptions Options<T, TOptions>(int retries, TimeSpan firstDelay, Action<Exception, int, TimeSpan>? onRetry, Func<Exception, bool>? isTransient, TimeSpan? maxDelay)
        where TOptions : RetryStrategyOptions<T>, new()
    {
        var options = new TOptions
        {
            ShouldHandle = new PredicateBuilder<T>().Handle<Exception>(isTransient ?? TransientFailure.Is),
            MaxRetryAttempts = retries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = firstDelay,
            OnRetry = args =>
            {
                if (args.Outcome.Exception is { } exception)
                {
                    onRetry?.Invoke(exception, args.AttemptNumber + 2, args.RetryDelay);
                }

                return ValueTask.CompletedTask;
            },
        };
        if (maxDelay is { } max)
        {
            options.MaxDelay = max;
        }

        return options;
    }
}
