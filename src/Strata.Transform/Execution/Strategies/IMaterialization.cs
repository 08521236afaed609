using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Execution.Strategies;

/// <summary>
/// One way of building a model's relation (a dbt materialization), each build in one warehouse transaction — of
/// everything, or of its writes after the DDL where DDL is not transactional (<see cref="Staging.ModelBuild"/>).
/// </summary>
internal interface IMaterialization
{
    /// <summary>Builds <paramref name="model"/> over what exists (<paramref name="existing"/>).</summary>
    Task<Built> BuildAsync(Model model, RelationKind existing, bool fullRefresh, CancellationToken cancellationToken);
}

/// <summary>What a build did: the rows written when the engine tells, and whether it found nothing to do (a seed whose file is unchanged).</summary>
internal readonly record struct Built(long? Rows, bool Unchanged = false)
{
    public static implicit operator Built(long? rows) => new(rows);
}
