namespace Strata.Transform.History;

/// <summary>One row of <c>_strata.model_runs</c>: a model's run as the transformation recorded it.</summary>
/// <param name="RunId">The transformation run it was part of.</param>
/// <param name="Model">The model.</param>
/// <param name="Materialized">Its materialization.</param>
/// <param name="Status"><c>success</c>, <c>error</c> or <c>skipped</c>.</param>
/// <param name="RowsChanged">Rows written (changelog models: changes taken in), when known.</param>
/// <param name="StartedAt">Start (UTC).</param>
/// <param name="DurationMs">How long it took, in milliseconds.</param>
/// <param name="Error">One line, for errors and skips.</param>
public sealed record ModelRunRecord(
    string RunId, string Model, string? Materialized, string Status, long? RowsChanged, DateTime StartedAt, long? DurationMs, string? Error);
