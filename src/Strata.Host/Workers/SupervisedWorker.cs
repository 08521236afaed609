using Microsoft.Extensions.Hosting;
using Strata.Errors;
using Strata.Output;
using Strata.Warehouse;

namespace Strata.Host.Workers;

/// <summary>
/// A worker that cannot end silently: each (re)start shows as <c>starting</c> until the worker reports it is healthy;
/// whatever ends its loop before the host stops — a Strata error or any other exception — shows as
/// <c>failed: …; restarting in N s</c> in the worker's state (the overview, <c>/readyz</c>, <c>strata status</c>),
/// and the loop is started again after a backoff (1 s doubling to a minute; back to 1 s
/// once a run has lasted a minute). A source that went away and came back is met again this way.
/// </summary>
internal abstract class SupervisedWorker(string name, PlatformState state, IStrataConsole console, TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromMinutes(1);

    /// <summary>What the host knows about itself.</summary>
    protected PlatformState State { get; } = state;

    /// <summary>Messages.</summary>
    protected IStrataConsole Console { get; } = console;

    /// <summary>The clock of waits and backoff.</summary>
    protected TimeProvider Clock { get; } = clock;

    private CancellationTokenSource _wake = new();

    /// <summary>First wait before a failed worker starts again.</summary>
    internal static TimeSpan FirstRestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The worker's name in <see cref="PlatformState.Workers"/>.</summary>
    protected string Name { get; } = name;

    /// <summary>The worker's loop: returns (or throws <see cref="OperationCanceledException"/>) when the host stops.</summary>
    protected abstract Task RunAsync(CancellationToken stoppingToken);

    /// <summary>Ends the backoff after a failure now (e.g. a resync was asked for that may cure it).</summary>
    protected void WakeUp() => _wake.Cancel();

    /// <summary>Called after a failure, before the wait (e.g. to let those waiting on the worker go on).</summary>
    protected virtual void OnFailed(Exception exception)
    {
    }

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = FirstRestartDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            State.Workers.Starting(Name);
            var started = Clock.GetTimestamp();
            try
            {
                using var job = WarehouseJob.Begin(Name);
                await RunAsync(stoppingToken);
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                if (Clock.GetElapsedTime(started) >= MaxRestartDelay)
                {
                    delay = FirstRestartDelay;
                }

                // A Strata error says what to do; anything else is a bug, named without a stack trace.
                var why = ex is StrataException ? ex.Message : $"unexpected error ({ex.Message})";
                State.Workers.Failed(Name, why, restartIn: delay);
                Console.Error($"{Name} failed: {why}; restarting in {delay.TotalSeconds:0} s");
                OnFailed(ex);
            }

            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _wake.Token);
                await Task.Delay(delay, Clock, wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                _wake.Dispose();
                _wake = new CancellationTokenSource(); // woken up: start now
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRestartDelay.Ticks));
        }

        State.Workers.Stopped(Name);
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }
}
