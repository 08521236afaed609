using Microsoft.Extensions.Hosting;
using Strata.Ingestion;

namespace Strata.Host.Workers;

/// <summary>
/// Looks at the replication slot every two seconds: its state and the WAL it holds back (bytes), with the latency
/// of the newest bronze commit (seconds) — for the overview, <c>/readyz</c> and <c>/metrics</c>.
/// </summary>
internal sealed class SourceMonitorWorker(IngestionService ingestion, PlatformState state) : BackgroundService
{
    internal static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        state.Workers.Expect(Name, (5 * Interval) + TimeSpan.FromSeconds(10), "answer from the source");
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var (slot, bytes) = await ingestion.SlotAsync(stoppingToken);
                state.Slot = new SlotLag(slot, bytes, state.IngestLatencySeconds, DateTime.UtcNow);
                state.Workers.Healthy(Name, $"slot {slot}");
            }
            catch (Exception ex) when (ex is Errors.StrataException or System.Data.Common.DbException or TimeoutException or IOException && !stoppingToken.IsCancellationRequested)
            {
                state.Slot = new SlotLag($"unreachable: {ex.Message}", null, null, DateTime.UtcNow);
                state.Workers.Degraded(Name, $"unreachable: {ex.Message}");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
        while (await WaitAsync(timer, stoppingToken));
        state.Workers.Stopped(Name);
    }

    private const string Name = "source";

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
