using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Execution;

/// <summary>Builds <c>view</c>, <c>table</c> and <c>incremental</c> models, each in one warehouse transaction.</summary>
internal sealed class Materializer(IWarehouse warehouse, ModelCompiler compiler)
{
    /// <summary>Builds the model; returns the rows written when the engine tells.</summary>
    public async Task<long?> BuildAsync(Model model, bool fullRefresh, CancellationToken cancellationToken)
    {
        var (schema, name) = model.Relation;
        var existing = await RelationKindAsync(warehouse, schema, name, cancellationToken);
        var relation = compiler.Relation(model);
        switch (model.Config.Materialized)
        {
            case Materializations.View:
            {
                var sql = await compiler.CompileAsync(model, isIncremental: false);
                await using var transaction = await warehouse.BeginAsync(cancellationToken);
                if (existing == RelationKind.Table)
                {
                    await transaction.ExecuteAsync(warehouse.DropRelationSql(schema, name, isView: false), null, cancellationToken);
                }

                await warehouse.ReplaceViewAsync(transaction, schema, name, sql, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return null;
            }

            case Materializations.Table:
                return await RebuildAsync(model, existing, await compiler.CompileAsync(model, isIncremental: false), cancellationToken);

            case Materializations.Incremental when existing != RelationKind.Table || fullRefresh:
                return await RebuildAsync(model, existing, await compiler.CompileAsync(model, isIncremental: false), cancellationToken);

            case Materializations.Incremental:
                return await IncrementAsync(model, await compiler.CompileAsync(model, isIncremental: true), cancellationToken);

            default:
                throw new InvalidOperationException($"{model.Config.Materialized} is not built here");
        }
    }

    public static async Task<RelationKind> RelationKindAsync(IWarehouse warehouse, string schema, string name, CancellationToken cancellationToken)
    {
        var rows = await warehouse.QueryAsync(
            $"SELECT table_type FROM information_schema.tables WHERE table_schema = {warehouse.Parameter(1)} AND table_name = {warehouse.Parameter(2)}",
            [schema, name], cancellationToken);
        return rows.Count == 0 ? RelationKind.None : (string)rows[0][0]! == "VIEW" ? RelationKind.View : RelationKind.Table;
    }

    private async Task<long?> RebuildAsync(Model model, RelationKind existing, string sql, CancellationToken cancellationToken)
    {
        var (schema, name) = model.Relation;
        var relation = compiler.Relation(model);
        await using var transaction = await warehouse.BeginAsync(cancellationToken);
        if (existing != RelationKind.None)
        {
            await transaction.ExecuteAsync(warehouse.DropRelationSql(schema, name, existing == RelationKind.View), null, cancellationToken);
        }

        await transaction.ExecuteAsync($"CREATE TABLE {relation} AS\n{sql}", null, cancellationToken);
        var count = await transaction.QueryAsync($"SELECT count(*) FROM {relation}", null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TransformMetadata.Long(count[0][0]);
    }

    private async Task<long?> IncrementAsync(Model model, string sql, CancellationToken cancellationToken)
    {
        var relation = compiler.Relation(model);
        var batch = warehouse.Quote($"strata_batch__{model.Name}");
        var columns = (await warehouse.GetColumnsAsync(model.Config.Schema, model.Name, cancellationToken))!.Select(c => warehouse.Quote(c.Name)).ToList();
        var keys = model.Config.UniqueKey.Select(warehouse.Quote).ToList();
        var list = string.Join(", ", columns);
        await using var transaction = await warehouse.BeginAsync(cancellationToken);
        await transaction.ExecuteAsync($"CREATE TEMP TABLE {batch} AS\n{sql}", null, cancellationToken);
        var rows = TransformMetadata.Long((await transaction.QueryAsync($"SELECT count(*) FROM {batch}", null, cancellationToken))[0][0]);
        switch (model.Config.IncrementalStrategy)
        {
            case "append":
                break;
            case "delete+insert":
                await transaction.ExecuteAsync(
                    $"DELETE FROM {relation} AS t WHERE EXISTS (SELECT 1 FROM {batch} AS s WHERE {Join(keys, "t", "s")})", null, cancellationToken);
                break;
            default:
                // merge: update the rows whose key is in the batch, insert the others.
                var updates = string.Join(", ", columns.Except(keys).Select(c => $"{c} = s.{c}"));
                await transaction.ExecuteAsync(
                    $"MERGE INTO {relation} AS t USING {batch} AS s ON {Join(keys, "t", "s")}\n" +
                    (updates.Length > 0 ? $"WHEN MATCHED THEN UPDATE SET {updates}\n" : "") +
                    $"WHEN NOT MATCHED THEN INSERT ({list}) VALUES ({string.Join(", ", columns.Select(c => $"s.{c}"))})",
                    null, cancellationToken);
                await transaction.ExecuteAsync($"DROP TABLE {batch}", null, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return rows;
        }

        await transaction.ExecuteAsync($"INSERT INTO {relation} ({list}) SELECT {list} FROM {batch}", null, cancellationToken);
        await transaction.ExecuteAsync($"DROP TABLE {batch}", null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    internal static string Join(IEnumerable<string> keys, string left, string right) =>
        string.Join(" AND ", keys.Select(k => $"{left}.{k} = {right}.{k}"));
}

/// <summary>What a relation is in the warehouse.</summary>
internal enum RelationKind
{
    None,
    Table,
    View,
}
