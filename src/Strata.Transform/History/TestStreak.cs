namespace Strata.Transform.History;

/// <summary>
/// A test's latest result and how long that has held ("failing since 08:49:45, 14 runs"), from <c>_strata.test_results</c>.
/// </summary>
/// <param name="Test">The test.</param>
/// <param name="Model">The model it tests, if any.</param>
/// <param name="Severity"><c>error</c> or <c>warn</c>.</param>
/// <param name="Status">Latest status: <c>pass</c>, <c>fail</c>, <c>warn</c> or <c>error</c>.</param>
/// <param name="Failures">Failing rows in the latest run.</param>
/// <param name="Sample">A sample of them.</param>
/// <param name="Error">Why the latest run could not run the test, if it could not.</param>
/// <param name="LastRunAt">When it last ran (UTC).</param>
/// <param name="Since">When the latest status began: the first run of the current streak (UTC).</param>
/// <param name="Runs">Runs in the current streak, at most the streak limit it was read with.</param>
public sealed record TestStreak(
    string Test, string? Model, string Severity, string Status, long? Failures, string? Sample, string? Error, DateTime LastRunAt, DateTime Since, int Runs);
