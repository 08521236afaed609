using Strata.Warehouse;
using Strata.Warehouse.Metadata;

namespace Strata.Transform.History;

/// <summary>
/// Reads <c>_strata.model_runs</c>, which the transformation writes: the newest runs, each model's latest. Empty
/// before the first run.
/// </summary>
public sealed class RunHistory(IWarehouse warehouse)
{
    private static readonly StrataTable Table = StrataSchema.ModelRuns;

    /// <summary>The newest <paramref name="limit"/> model runs, newest first.</summary>
    public Task<IReadOnlyList<ModelRunRecord>> RecentModelRunsAsync(int limit, CancellationToken cancellationToken = default) =>
        ReadAsync(Table.SelectSql(warehouse, $"ORDER BY started_at DESC LIMIT {limit}"), null, cancellationToken);

    /// <summary>The newest <paramref name="limit"/> runs of <paramref name="model"/>, newest first.</summary>
    public Task<IReadOnlyList<ModelRunRecord>> ModelRunsAsync(string model, int limit, CancellationToken cancellationToken = default) =>
        ReadAsync(Table.SelectSql(warehouse, $"WHERE model = {warehouse.Parameter(1)} ORDER BY started_at DESC LIMIT {limit}"), [model], cancellationToken);

    /// <summary>Each model's latest run, by model name.</summary>
    public Task<IReadOnlyList<ModelRunRecord>> LatestRunPerModelAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(HistoryQuery.NewestPerSql(warehouse, Table, "model", 1, "model"), null, cancellationToken);

    private Task<IReadOnlyList<ModelRunRecord>> ReadAsync(string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken) =>
        HistoryQuery.ReadAsync(warehouse, Table, sql, parameters, r => new ModelRunRecord(
            r.Text("run_id"), r.Text("model"), r.OptionalText("materialized"), r.Text("status"), r.Long("rows_changed"), r.Utc("started_at"),
            r.Long("duration_ms"), r.OptionalText("error")), cancellationToken);
}
