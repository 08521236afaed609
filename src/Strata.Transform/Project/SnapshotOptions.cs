namespace Strata.Transform.Project;

/// <summary>How a dbt snapshot over a table that is not a Strata changelog samples it, as dbt does.</summary>
/// <param name="Strategy"><c>timestamp</c> or <c>check</c>.</param>
/// <param name="UpdatedAt">The select's column that tells when a row changed: required by <c>timestamp</c>; with <c>check</c>, the versions' time instead of the run's.</param>
/// <param name="CheckCols">The columns <c>check</c> compares; null for <c>all</c>.</param>
/// <param name="HardDeletes"><c>ignore</c>, <c>invalidate</c> or <c>new_record</c>.</param>
/// <param name="ValidToCurrent">The <c>dbt_valid_to</c> of current rows (an SQL expression), or null for NULL.</param>
/// <param name="Line">The line of its <c>{% snapshot %}</c> block, for messages.</param>
internal sealed record SnapshotOptions(string Strategy, string? UpdatedAt, IReadOnlyList<string>? CheckCols, string HardDeletes, string? ValidToCurrent, int Line);
