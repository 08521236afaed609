using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Execution.Strategies;

/// <summary>One way of building a model's relation (a dbt materialization), each build in one warehouse transaction.</summary>
internal interface IMaterialization
{
    /// <summary>Builds <paramref name="model"/> over what exists (<paramref name="existing"/>); returns the rows written when the engine tells.</summary>
    Task<long?> BuildAsync(Model model, RelationKind existing, bool fullRefresh, CancellationToken cancellationToken);
}
