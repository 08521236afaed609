using Cronos;

namespace Strata.Host.Jobs;

/// <summary>A job the host runs on a cron schedule once what it needs has happened.</summary>
/// <param name="Name">Its name in <c>_strata.runs</c>.</param>
/// <param name="Cron">The cron text, for display.</param>
/// <param name="Expression">The parsed schedule.</param>
/// <param name="TimeZone">The zone the schedule is read in.</param>
/// <param name="Needs">Milestones of <see cref="PlatformState"/> it waits for (<c>ingestion</c>, <c>transformation</c>).</param>
/// <param name="RunAsync">One attempt; throws on failure (transient failures are retried).</param>
public sealed record ScheduledJob(
    string Name, string Cron, CronExpression Expression, TimeZoneInfo TimeZone, IReadOnlyList<string> Needs, Func<CancellationToken, Task<JobOutcome>> RunAsync);
