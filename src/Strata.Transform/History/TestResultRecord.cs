namespace Strata.Transform.History;

/// <summary>One row of <c>_strata.test_results</c>: a data test's result in one run.</summary>
/// <param name="RunId">The run it was part of.</param>
/// <param name="Test">The test.</param>
/// <param name="Model">The model it tests, if any.</param>
/// <param name="Severity"><c>error</c> or <c>warn</c>.</param>
/// <param name="Status"><c>pass</c>, <c>fail</c>, <c>warn</c>, <c>error</c> (could not run) or <c>skipped</c>.</param>
/// <param name="Failures">Failing rows.</param>
/// <param name="Sample">A few failing rows, as text.</param>
/// <param name="StartedAt">Start (UTC).</param>
/// <param name="DurationMs">How long it took, in milliseconds.</param>
/// <param name="Error">Why it could not run, or was skipped.</param>
public sealed record TestResultRecord(
    string RunId, string Test, string? Model, string Severity, string Status, long? Failures, string? Sample, DateTime StartedAt, long? DurationMs, string? Error)
{
    /// <summary>True when it stops what depends on its model: a test of severity error that failed or could not run.</summary>
    public bool Blocks => Status is "fail" or "error" && Severity == "error";
}
