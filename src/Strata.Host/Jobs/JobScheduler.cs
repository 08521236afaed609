using Microsoft.Extensions.Hosting;
using Strata.Output;
using Strata.Warehouse;

namespace Strata.Host.Jobs;

/// <summary>
/// Runs the scheduled jobs: each on its own loop (a failed or slow job never holds up the others), waiting for what
/// it needs before its first run, retrying transient failures with exponential backoff and jitter, every run in
/// <c>_strata.runs</c>.
/// </summary>
internal sealed class JobScheduler(IReadOnlyList<ScheduledJob> jobs, PlatformState state, JobHistory history, IStrataConsole console, TimeProvider clock)
    : BackgroundService
{
    /// <summary>Attempts after the first for a transient failure.</summary>
    internal const int Retries = 3;

    /// <summary>First retry delay (doubled each time, with jitter).</summary>
    internal static TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (jobs.Count == 0)
        {
            state.Workers.Healthy("jobs", "none scheduled");
            return;
        }

        state.Workers.Healthy("jobs", $"{jobs.Count} scheduled");
        await Task.WhenAll(jobs.Select(job => LoopAsync(job, stoppingToken)));
        state.Workers.Stopped("jobs");
    }

    private async Task LoopAsync(ScheduledJob job, CancellationToken stoppingToken)
    {
        try
        {
            foreach (var need in job.Needs)
            {
                await state.Milestone(need).WaitAsync(stoppingToken);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                var now = clock.GetUtcNow().UtcDateTime;
                if (job.Expression.GetNextOccurrence(now, job.TimeZone) is not { } next)
                {
                    return;
                }

                await Task.Delay(next - now, clock, stoppingToken);
                await RunOnceAsync(job, "schedule", stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One run with its retries, recorded; never throws but for cancellation.</summary>
    internal async Task<JobRun> RunOnceAsync(ScheduledJob job, string trigger, CancellationToken stoppingToken)
    {
        var started = clock.GetUtcNow().UtcDateTime;
        var watch = clock.GetTimestamp();
        var attempts = 0;
        var retry = Errors.RetryPolicy.Create(clock, Retries, RetryDelay,
            (exception, attempt, delay) => console.Warning($"job {job.Name}: attempt {attempt - 1} failed ({exception.Message}); retrying in {delay.TotalSeconds:0.0} s"),
            Ingestion.IngestionService.IsTransient);
        JobRun run;
        try
        {
            var outcome = await retry.ExecuteAsync(async token =>
            {
                attempts++;
                using var tag = WarehouseJob.Begin(job.Name);
                return await job.RunAsync(token);
            }, stoppingToken);
            run = new JobRun(job.Name, trigger, outcome.Status, attempts, started, clock.GetElapsedTime(watch), outcome.Detail, null);
            (outcome.Status == "success" ? (Action<string>)console.Info : console.Warning)($"job {job.Name}: {outcome.Detail}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // A failed job is recorded and reported; the next occurrence tries again and the other jobs go on.
            run = new JobRun(job.Name, trigger, "failed", attempts, started, clock.GetElapsedTime(watch), "", ex.Message);
            console.Error($"job {job.Name} failed after {attempts} attempt(s): {ex.Message}");
        }

        // A report delivery that failed after its retries is an alert until one succeeds.
        if (job.Name.StartsWith("report:", StringComparison.Ordinal))
        {
            if (run.Status == "failed")
            {
                state.FailedDeliveries[job.Name] = run.Error ?? "failed";
            }
            else
            {
                state.FailedDeliveries.TryRemove(job.Name, out _);
            }
        }

        await history.RecordAsync(run, CancellationToken.None);
        return run;
    }
}
