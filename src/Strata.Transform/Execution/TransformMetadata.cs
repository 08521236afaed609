using System.Globalization;
using Strata.Transform.Execution.Staging;
using Strata.Warehouse;
using Strata.Warehouse.Metadata;

namespace Strata.Transform.Execution;

/// <summary>
/// The transformation's tables in <c>_strata</c>: each changelog model's watermark (written in the same transaction
/// as the model), every model run and every test result.
/// </summary>
internal sealed class TransformMetadata(IWarehouse warehouse)
{
    public const string Schema = StrataSchema.Name;


    public string ModelState => StrataSchema.ModelState.Qualified(warehouse);

    public string ModelRuns => StrataSchema.ModelRuns.Qualified(warehouse);

    public string TestResults => StrataSchema.TestResults.Qualified(warehouse);

    public string ModelAsOf => StrataSchema.ModelAsOf.Qualified(warehouse);

    public Task EnsureAsync(CancellationToken cancellationToken) => StrataSchema.EnsureAsync(warehouse, cancellationToken);

    /// <summary>Every built relation's as-of (see <see cref="DataAsOf"/>); empty before the first successful build.</summary>
    public async Task<Dictionary<string, DataAsOf>> ReadAsOfAsync(CancellationToken cancellationToken)
    {
        if (await warehouse.GetColumnsAsync(Schema, "model_asof", cancellationToken) is null)
        {
            return new Dictionary<string, DataAsOf>(StringComparer.Ordinal);
        }

        var rows = await warehouse.QueryAsync($"SELECT model, lsn, commit_ts FROM {ModelAsOf}", null, cancellationToken);
        return rows.ToDictionary(r => (string)r[0]!, r => new DataAsOf(Long(r[1]), Utc(r[2])), StringComparer.Ordinal);
    }

    /// <summary>
    /// A changelog model's as-of after its build: the run's bound (every change up to it is in, whether or not this
    /// table had any), timed by the newest change any changelog model has taken in — the source's time at that bound.
    /// Without ingestion's checkpoint (no bound) it is the model's own watermark.
    /// </summary>
    public async Task<DataAsOf?> ChangelogAsOfAsync(string model, long? bound, CancellationToken cancellationToken)
    {
        var rows = bound is null
            ? await warehouse.QueryAsync($"SELECT lsn, commit_ts FROM {ModelState} WHERE model = {warehouse.Parameter(1)}", [model], cancellationToken)
            : await warehouse.QueryAsync($"SELECT {warehouse.Parameter(1)}, max(commit_ts) FROM {ModelState} WHERE lsn <= {warehouse.Parameter(1)}", [bound.Value], cancellationToken);
        return rows.Count == 0 || rows[0][0] is null ? null : new DataAsOf(Long(rows[0][0]), Utc(rows[0][1]));
    }

    /// <summary>Records what <paramref name="model"/>'s rows are as of, after a successful build.</summary>
    public async Task SetAsOfAsync(string model, DataAsOf asOf, CancellationToken cancellationToken)
    {
        await using var transaction = await warehouse.BeginAsync(cancellationToken);
        await transaction.ExecuteAsync($"DELETE FROM {ModelAsOf} WHERE model = {warehouse.Parameter(1)}", [model], cancellationToken);
        await transaction.ExecuteAsync(
            StrataSchema.ModelAsOf.InsertSql(warehouse),
            [model, asOf.Lsn, asOf.CommitTime, DateTime.UtcNow], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static DateTime? Utc(object? value) => value is DateTime d ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : null;

    /// <summary>The last changelog position a model has taken in, or null when it starts from scratch.</summary>
    public async Task<(long Lsn, long Seq)?> WatermarkAsync(ModelBuild build, string model, CancellationToken cancellationToken)
    {
        var rows = await build.ReadAsync($"SELECT lsn, seq FROM {ModelState} WHERE model = {warehouse.Parameter(1)}", [model], cancellationToken);
        return rows.Count == 0 ? null : (Long(rows[0][0]), Long(rows[0][1]));
    }

    /// <summary>Moves the watermark: a write of the build, committed with the model's rows.</summary>
    public async Task SetWatermarkAsync(ModelBuild build, string model, long lsn, long seq, DateTime? commitTime, CancellationToken cancellationToken)
    {
        await build.WriteAsync($"DELETE FROM {ModelState} WHERE model = {warehouse.Parameter(1)}", [model], cancellationToken);
        await build.WriteAsync(
            StrataSchema.ModelState.InsertSql(warehouse),
            [model, lsn, seq, commitTime, DateTime.UtcNow], cancellationToken);
    }

    public Task ForgetAsync(IWarehouseTransaction transaction, string model, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync($"DELETE FROM {ModelState} WHERE model = {warehouse.Parameter(1)}", [model], cancellationToken);

    /// <summary>The highest source position every pipeline has committed to bronze (changes past it may still arrive), or null without ingestion.</summary>
    /// <remarks>Read once per run, so that every changelog model of the run stops at the same source position.</remarks>
    public async Task<long?> ChangelogBoundAsync(CancellationToken cancellationToken)
    {
        if (await warehouse.GetColumnsAsync(Schema, StrataSchema.Checkpoints.Name, cancellationToken) is null)
        {
            return null;
        }

        await RefuseUnfinishedFirstSnapshotAsync(cancellationToken);
        var rows = await warehouse.QueryAsync($"SELECT min(confirmed_lsn) FROM {StrataSchema.Checkpoints.Qualified(warehouse)}", null, cancellationToken);
        return rows[0][0] is null ? null : Long(rows[0][0]);
    }

    /// <summary>
    /// A pipeline with snapshot or range records and no checkpoint is part-way through its first snapshot: with no bound
    /// to stop at, a build would take the tables (and ranges) copied so far for the whole source, so it is refused.
    /// </summary>
    /// <remarks>The record tables exist wherever the checkpoints do: the schema's migration makes every table at once.</remarks>
    private async Task RefuseUnfinishedFirstSnapshotAsync(CancellationToken cancellationToken)
    {
        var unfinished = await warehouse.QueryAsync(
            $"SELECT DISTINCT pipeline FROM (SELECT pipeline FROM {StrataSchema.Snapshots.Qualified(warehouse)} UNION " +
            $"SELECT pipeline FROM {StrataSchema.SnapshotRanges.Qualified(warehouse)}) r " +
            $"WHERE pipeline NOT IN (SELECT pipeline FROM {StrataSchema.Checkpoints.Qualified(warehouse)})",
            null, cancellationToken);
        if (unfinished.Count > 0)
        {
            var pipelines = string.Join(", ", unfinished.Select(r => (string)r[0]!).Order(StringComparer.Ordinal));
            throw new TransformException(
                $"bronze of pipeline {pipelines} is part-way through its first snapshot (no checkpoint yet): a build now would take the tables copied " +
                "so far for the whole source; let `strata ingest` finish the snapshot, then build again");
        }
    }

    public Task RecordRunAsync(string runId, ModelResult result, CancellationToken cancellationToken) =>
        warehouse.ExecuteAsync(
            StrataSchema.ModelRuns.InsertSql(warehouse),
            [runId, result.Model, result.Materialized, result.Status, result.RowsChanged, result.StartedAt, (long)result.Duration.TotalMilliseconds, result.Error],
            cancellationToken);

    public Task RecordTestAsync(string runId, TestResult result, CancellationToken cancellationToken) =>
        warehouse.ExecuteAsync(
            StrataSchema.TestResults.InsertSql(warehouse),
            [runId, result.Test, result.Model, result.Severity, result.Status, result.Failures, result.Sample, result.StartedAt, (long)result.Duration.TotalMilliseconds, result.Error],
            cancellationToken);

    internal static long Long(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
