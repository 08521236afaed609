namespace Strata.Transform.Execution;

/// <summary>How one model's run ended.</summary>
/// <param name="Model">The model.</param>
/// <param name="Materialized">Its materialization.</param>
/// <param name="Status"><c>success</c>, <c>error</c> or <c>skipped</c>.</param>
/// <param name="RowsChanged">Rows written (changelog models: changes taken in), when known.</param>
/// <param name="StartedAt">Start (UTC).</param>
/// <param name="Duration">How long it took.</param>
/// <param name="Error">One line, for errors and skips.</param>
/// <param name="NewestCommit">Commit time of the newest source change it now includes, for changelog models.</param>
public sealed record ModelResult(
    string Model, string Materialized, string Status, long? RowsChanged, DateTime StartedAt, TimeSpan Duration, string? Error, DateTime? NewestCommit = null)
{
    /// <summary>The build found nothing to do: a seed whose file has not changed since it was loaded.</summary>
    public bool Unchanged { get; init; }
}

/// <summary>How one data test ended.</summary>
/// <param name="Test">The test.</param>
/// <param name="Model">The model it tests, if any.</param>
/// <param name="Severity"><c>error</c> or <c>warn</c>.</param>
/// <param name="Status"><c>pass</c>, <c>fail</c>, <c>warn</c>, <c>error</c> (could not run) or <c>skipped</c>.</param>
/// <param name="Failures">Failing rows.</param>
/// <param name="Sample">A few failing rows, as text.</param>
/// <param name="StartedAt">Start (UTC).</param>
/// <param name="Duration">How long it took.</param>
/// <param name="Error">Why it could not run, or was skipped.</param>
public sealed record TestResult(
    string Test, string? Model, string Severity, string Status, long Failures, string? Sample, DateTime StartedAt, TimeSpan Duration, string? Error)
{
    /// <summary>True when it should stop what depends on its model.</summary>
    public bool Blocks => Status is "fail" or "error" && Severity == "error";
}
