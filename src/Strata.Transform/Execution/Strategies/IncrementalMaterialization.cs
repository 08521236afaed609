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
    public async Task<long?> BuildAsync(Model model, RelationKind existing, bool fullRefresh, CancellationToken cancellationToken)
    {
        if (existing != RelationKind.Table || fullRefresh)
        {
            return await table.RebuildAsync(model, existing, await compiler.CompileAsync(model, isIncremental: false), cancellationToken);
        }

        var sql = await compiler.CompileAsync(model, isIncremental: true);
        var relation = compiler.Relation(model);
        var batchName = $"strata_batch__{model.Name}";
        var batch = warehouse.Quote(batchName);
        var columns = (await warehouse.GetColumnsAsync(model.Config.Schema, model.Name, cancellationToken))!.Select(c => c.Name).ToList();
        var keys = model.Config.UniqueKey;
        var list = string.Join(", ", columns.Select(warehouse.Quote));
        await using var transaction = await warehouse.BeginAsync(cancellationToken);
        await transaction.ExecuteAsync(warehouse.CreateTempTableSql(batchName, sql), null, cancellationToken);
        var rows = TransformMetadata.Long((await transaction.QueryAsync($"SELECT count(*) FROM {batch}", null, cancellationToken))[0][0]);
        switch (model.Config.IncrementalStrategy)
        {
            case "append":
                await transaction.ExecuteAsync($"INSERT INTO {relation} ({list}) SELECT {list} FROM {batch}", null, cancellationToken);
                break;
            case "delete+insert":
                await transaction.ExecuteAsync(warehouse.DeleteMatchingSql(relation, batch, keys), null, cancellationToken);
                await transaction.ExecuteAsync($"INSERT INTO {relation} ({list}) SELECT {list} FROM {batch}", null, cancellationToken);
                break;
            default:
                await transaction.ExecuteAsync(warehouse.MergeSql(relation, batch, keys, columns), null, cancellationToken);
                break;
        }

        await transaction.ExecuteAsync($"DROP TABLE {batch}", null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }
}
