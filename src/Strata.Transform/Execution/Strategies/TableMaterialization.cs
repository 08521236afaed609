using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Execution.Strategies;

/// <summary><c>table</c>: the model's select written anew as a table, replacing what was there in the same transaction.</summary>
internal sealed class TableMaterialization(IWarehouse warehouse, ModelCompiler compiler) : IMaterialization
{
    public async Task<Built> BuildAsync(Model model, RelationKind existing, bool fullRefresh, CancellationToken cancellationToken) =>
        await RebuildAsync(model, existing, await compiler.CompileAsync(model, isIncremental: false), cancellationToken);

    /// <summary>Drops what exists and creates the table from <paramref name="sql"/>; returns its rows.</summary>
    public async Task<long?> RebuildAsync(Model model, RelationKind existing, string sql, CancellationToken cancellationToken)
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
}
