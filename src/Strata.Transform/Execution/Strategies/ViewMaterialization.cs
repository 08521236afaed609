using Strata.Transform.Execution.Staging;
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
        await using var build = await ModelBuild.BeginAsync(warehouse, cancellationToken);
        if (existing == RelationKind.Table)
        {
            await build.DefineAsync(warehouse.DropRelationSql(schema, name, isView: false), cancellationToken);
        }

        await warehouse.ReplaceViewAsync(build.Definitions, schema, name, sql, cancellationToken);
        await build.CommitAsync(cancellationToken);
        return null;
    }
}
