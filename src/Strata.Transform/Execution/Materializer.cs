using Strata.Transform.Execution.Strategies;
using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Execution;

/// <summary>Builds <c>view</c>, <c>table</c>, <c>incremental</c> models, seeds and dbt snapshots, each by its own strategy (<see cref="IMaterialization"/>).</summary>
internal sealed class Materializer
{
    private readonly IWarehouse _warehouse;
    private readonly Dictionary<string, IMaterialization> _strategies;

    /// <param name="warehouse">Where models are built.</param>
    /// <param name="compiler">Renders them.</param>
    /// <param name="runTime">The run's start: the time dbt snapshots record for what they see this run.</param>
    public Materializer(IWarehouse warehouse, ModelCompiler compiler, DateTimeOffset runTime)
    {
        _warehouse = warehouse;
        var table = new TableMaterialization(warehouse, compiler);
        _strategies = new Dictionary<string, IMaterialization>(StringComparer.Ordinal)
        {
            [Materializations.View] = new ViewMaterialization(warehouse, compiler),
            [Materializations.Table] = table,
            [Materializations.Incremental] = new IncrementalMaterialization(warehouse, compiler, table),
            [Materializations.Seed] = new SeedMaterialization(warehouse, compiler),
            [Materializations.Snapshot] = new SnapshotMaterialization(warehouse, compiler, runTime),
        };
    }

    /// <summary>Builds the model.</summary>
    public async Task<Built> BuildAsync(Model model, bool fullRefresh, CancellationToken cancellationToken)
    {
        var strategy = _strategies.GetValueOrDefault(model.Config.Materialized)
            ?? throw new InvalidOperationException($"{model.Config.Materialized} is not built here");
        var (schema, name) = model.Relation;
        return await strategy.BuildAsync(model, await _warehouse.RelationKindAsync(schema, name, cancellationToken), fullRefresh, cancellationToken);
    }

}
