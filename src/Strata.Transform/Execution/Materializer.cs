using Strata.Transform.Execution.Strategies;
using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Execution;

/// <summary>Builds <c>view</c>, <c>table</c> and <c>incremental</c> models, each by its own strategy (<see cref="IMaterialization"/>).</summary>
internal sealed class Materializer
{
    private readonly IWarehouse _warehouse;
    private readonly Dictionary<string, IMaterialization> _strategies;

    public Materializer(IWarehouse warehouse, ModelCompiler compiler)
    {
        _warehouse = warehouse;
        var table = new TableMaterialization(warehouse, compiler);
        _strategies = new Dictionary<string, IMaterialization>(StringComparer.Ordinal)
        {
            [Materializations.View] = new ViewMaterialization(warehouse, compiler),
            [Materializations.Table] = table,
            [Materializations.Incremental] = new IncrementalMaterialization(warehouse, compiler, table),
        };
    }

    /// <summary>Builds the model; returns the rows written when the engine tells.</summary>
    public async Task<long?> BuildAsync(Model model, bool fullRefresh, CancellationToken cancellationToken)
    {
        var strategy = _strategies.GetValueOrDefault(model.Config.Materialized)
            ?? throw new InvalidOperationException($"{model.Config.Materialized} is not built here");
        var (schema, name) = model.Relation;
        return await strategy.BuildAsync(model, await RelationKindAsync(_warehouse, schema, name, cancellationToken), fullRefresh, cancellationToken);
    }

    public static async Task<RelationKind> RelationKindAsync(IWarehouse warehouse, string schema, string name, CancellationToken cancellationToken)
    {
        var rows = await warehouse.QueryAsync(
            $"SELECT table_type FROM information_schema.tables WHERE table_schema = {warehouse.Parameter(1)} AND table_name = {warehouse.Parameter(2)}",
            [schema, name], cancellationToken);
        return rows.Count == 0 ? RelationKind.None : (string)rows[0][0]! == "VIEW" ? RelationKind.View : RelationKind.Table;
    }
}

/// <summary>What a relation is in the warehouse.</summary>
internal enum RelationKind
{
    None,
    Table,
    View,
}
