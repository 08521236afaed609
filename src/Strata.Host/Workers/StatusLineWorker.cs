using Microsoft.Extensions.Hosting;
using Strata.Output;

namespace Strata.Host.Workers;

/// <summary>On a terminal: rewrites the status line every second, and removes it when the host stops.</summary>
internal sealed class StatusLineWorker(PlatformState state, IStrataConsole console, TimeProvider clock) : BackgroundService
{
    internal static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            do
            {
                console.Live(StatusLine.Text(state, clock));
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // The goodbye lines that follow are the last word, not a stale status.
            console.Live("");
        }
    }
}
