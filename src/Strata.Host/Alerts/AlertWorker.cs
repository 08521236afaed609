using Microsoft.Extensions.Hosting;

namespace Strata.Host.Alerts;

/// <summary>Evaluates the alert rules against the host's problems every few seconds, on the clock it is given (and samples the age of gold for the chart).</summary>
internal sealed class AlertWorker(AlertEngine engine, PlatformState state, TimeProvider clock) : BackgroundService
{
    private const string Name = "alerts";

    /// <summary>Time between evaluations.</summary>
    internal static TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        state.Workers.Expect(Name, (3 * Interval) + TimeSpan.FromSeconds(30), "evaluation");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = clock.GetUtcNow().UtcDateTime;
                state.SampleGoldAge(now); // on the same tick: the age chart keeps moving between transformation runs
                var problems = Health.Of(state, now);
                await engine.TickAsync(problems, canResolve: state.Runs > 0, stoppingToken);
                state.Alerts = engine.Firing;
                state.Workers.Healthy(Name, engine.Firing.Count == 0 ? "none firing" : $"{engine.Firing.Count} firing");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is Errors.StrataException or InvalidOperationException)
            {
                // The warehouse away for a moment: the next evaluation tries again; meanwhile the state says so.
                state.Workers.Degraded(Name, $"could not evaluate the alert rules: {ex.Message}");
            }

            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        state.Workers.Stopped(Name);
    }
}
