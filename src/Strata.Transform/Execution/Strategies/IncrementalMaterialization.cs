using Strata.Transform.Execution.Staging;
using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Execution.Strategies;

/// <summary>
/// <c>incremental</c>: built whole the first time (or with <c>--full-refresh</c>), then only the rows the incremental
/// select returns are applied, by the model's <c>incremental_strategy</c>: <c>merge</c> (default: update matching keys,
/// insert the rest), <c>delete+insert</c> (replace matching keys) or <c>append</c>.
/// </summary>
internal sealed class IncrementalMaterialization(IWarehouse warehouse, ModelCompiler compiler, TableMaterialization table) : IMaterialization
{
    public async Task<Built> BuildAsync(Model model, RelationKind existing, bool fullRefresh, CancellationToken cancellationToken)
    {
        if (existing != RelationKind.Table || fullRefresh)
        {
            return await table.RebuildAsync(model, existing, await compiler.CompileAsync(model, isIncremental: false), cancellationToken);
        }

        var sql = await compiler.CompileAsync(model, isIncremental: true);
        var columns = (await warehouse.GetColumnsAsync(model.Config.Schema, model.Name, cancellationToken))!.Select(c => c.Name).ToList();
        await using var build = await ModelBuild.BeginAsync(warehouse, cancellationToken);
        var rows = await ApplyAsync(build, model, compiler.Relation(model), columns, sql, cancellationToken);
        await build.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary>
    /// Applies the incremental select's rows to <paramref name="relation"/> (of <paramref name="columns"/>) by the model's
    /// strategy, inside the caller's build (staged and counted before the first write); returns the rows applied. A unit test of the final state applies them to given prior rows.
    /// </summary>
    public async Task<long> ApplyAsync(
        ModelBuild build, Model model, string relation, IReadOnlyList<string> columns, string sql, CancellationToken cancellationToken)
    {
        var keys = model.Config.UniqueKey;
        var list = string.Join(", ", columns.Select(warehouse.Quote));
        var batch = await build.StageAsync($"strata_batch__{model.Name}", sql, cancellationToken);
        var rows = TransformMetadata.Long((await build.ReadAsync($"SELECT count(*) FROM {batch}", null, cancellationToken))[0][0]);
        switch (model.Config.IncrementalStrategy)
        {
            case "append":
                await build.WriteAsync($"INSERT INTO {relation} ({list}) SELECT {list} FROM {batch}", null, cancellationToken);
                break;
            case "delete+insert":
                await build.WriteAsync(warehouse.DeleteMatchingSql(relation, batch, keys), null, cancellationToken);
                await build.WriteAsync($"INSERT INTO {relation} ({list}) SELECT {list} FROM {batch}", null, cancellationToken);
                break;
            default:
                await build.WriteAsync(warehouse.MergeSql(relation, batch, keys, columns), null, cancellationToken);
                break;
        }

        await build.UnstageAsync(batch, cancellationToken);
        return rows;
    }
}
