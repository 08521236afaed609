using Strata.Transform.Execution.Staging;
using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Execution.Strategies;

/// <summary>
/// <c>table</c>: the model's select written anew as a table, replacing what was there in the same transaction; where
/// DDL is not transactional, in one <c>CREATE OR REPLACE</c> (atomic by itself) instead of a drop and a create.
/// </summary>
internal sealed class TableMaterialization(IWarehouse warehouse, ModelCompiler compiler) : IMaterialization
{
    public async Task<Built> BuildAsync(Model model, RelationKind existing, bool fullRefresh, CancellationToken cancellationToken) =>
        await RebuildAsync(model, existing, await compiler.CompileAsync(model, isIncremental: false), cancellationToken);

    /// <summary>Drops what exists and creates the table from <paramref name="sql"/>; returns its rows.</summary>
    public async Task<long?> RebuildAsync(Model model, RelationKind existing, string sql, CancellationToken cancellationToken)
    {
        var (schema, name) = model.Relation;
        var relation = compiler.Relation(model);
        var transactional = warehouse.Capabilities.TransactionalDdl;
        await using var build = await ModelBuild.BeginAsync(warehouse, cancellationToken);
        if (existing == RelationKind.View || (existing == RelationKind.Table && transactional))
        {
            await build.DefineAsync(warehouse.DropRelationSql(schema, name, existing == RelationKind.View), cancellationToken);
        }

        await build.DefineAsync(transactional ? $"CREATE TABLE {relation} AS\n{sql}" : warehouse.ReplaceTableSql(schema, name, sql), cancellationToken);
        var count = await build.ReadAsync($"SELECT count(*) FROM {relation}", null, cancellationToken);
        await build.CommitAsync(cancellationToken);
        return TransformMetadata.Long(count[0][0]);
    }
}
