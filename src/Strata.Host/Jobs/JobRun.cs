namespace Strata.Host.Jobs;

/// <summary>One run of a host job, as <c>_strata.runs</c> keeps it.</summary>
/// <param name="Job">The job (<c>transformation</c>, <c>tests</c>, <c>reconcile</c>, <c>freshness</c>, <c>report:&lt;name&gt;</c>).</param>
/// <param name="Trigger">What started it: <c>schedule</c>, <c>commit</c>, <c>start</c> or <c>retry</c>.</param>
/// <param name="Status"><c>success</c>, <c>warn</c> (ran, found problems in the data) or <c>failed</c>.</param>
/// <param name="Attempts">Attempts made (transient failures are retried).</param>
/// <param name="StartedAt">When the first attempt started (UTC).</param>
/// <param name="Duration">From the first attempt's start to the end.</param>
/// <param name="Detail">What it did, in a line.</param>
/// <param name="Error">Why it failed, if it did.</param>
public sealed record JobRun(string Job, string Trigger, string Status, int Attempts, DateTime StartedAt, TimeSpan Duration, string Detail, string? Error);

/// <summary>What a job reports when it finishes without an exception.</summary>
/// <param name="Status"><c>success</c> or <c>warn</c>.</param>
/// <param name="Detail">What it did, in a line.</param>
public sealed record JobOutcome(string Status, string Detail)
{
    /// <summary>A clean run.</summary>
    public static JobOutcome Success(string detail) => new("success", detail);

    /// <summary>A run that found problems in the data (failing tests, stale sources, differing tables).</summary>
    public static JobOutcome Warn(string detail) => new("warn", detail);
}
