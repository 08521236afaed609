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
        var columns = (await warehouse.GetColumnsAsync(model.Config.Schema, model.Name, cancellationToken))!.Select(c => warehouse.Quote(c.Name)).ToList();
        var keys = model.Config.UniqueKey.Select(warehouse.Quote).ToList();
        var list = string.Join(", ", columns);
        await using var transaction = await warehouse.BeginAsync(cancellationToken);
        await transaction.ExecuteAsync(warehouse.CreateTempTableSql(batchName, sql), null, cancellationToken);
        var rows = TransformMetadata.Long((await transaction.QueryAsync($"SELECT count(*) FROM {batch}", null, cancellationToken))[0][0]);
        switch (model.Config.IncrementalStrategy)
        {
            case "append":
                await transaction.ExecuteAsync($"INSERT INTO {relation} ({list}) SELECT {list} FROM {batch}", null, cancellationToken);
                break;
            case "delete+insert":
                await transaction.ExecuteAsync(
                    $"DELETE FROM {relation} AS t WHERE EXISTS (SELECT 1 FROM {batch} AS s WHERE {Materializer.Join(keys, "t", "s")})", null, cancellationToken);
                await transaction.ExecuteAsync($"INSERT INTO {relation} ({list}) SELECT {list} FROM {batch}", null, cancellationToken);
                break;
            default:
                var updates = string.Join(", ", columns.Except(keys).Select(c => $"{c} = s.{c}"));
                await transaction.ExecuteAsync(
                    $"MERGE INTO {relation} AS t USING {batch} AS s ON {Materializer.Join(keys, "t", "s")}\n" +
                    (updates.Length > 0 ? $"WHEN MATCHED THEN UPDATE SET {updates}\n" : "") +
                    $"WHEN NOT MATCHED THEN INSERT ({list}) VALUES ({string.Join(", ", columns.Select(c => $"s.{c}"))})",
                    null, cancellationToken);
                break;
        }

        await transaction.ExecuteAsync($"DROP TABLE {batch}", null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }
}
