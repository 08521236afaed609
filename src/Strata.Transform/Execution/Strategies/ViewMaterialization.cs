using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Execution.Strategies;

/// <summary><c>view</c>: the model's select as a view, replaced in place (a table of the same name is dropped first).</summary>
internal sealed class ViewMaterialization(IWarehouse warehouse, ModelCompiler compiler) : IMaterialization
{
    public async Task<Built> BuildAsync(Model model, RelationKind existing, bool fullRefresh, CancellationToken cancellationToken)
    {
        var (schema, name) = model.Relation;
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
}
