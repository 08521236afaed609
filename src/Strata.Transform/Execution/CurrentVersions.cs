using Strata.Warehouse;

namespace Strata.Transform.Execution;

/// <summary>
/// The guard dbt's snapshots lack (dbt-adapters #1759): a history table, Strata's or a dbt snapshot, must never
/// commit two current versions of one key. Checked inside the build's transaction, before it commits.
/// </summary>
internal static class CurrentVersions
{
    /// <summary>
    /// A key with two current rows in <paramref name="relation"/> (alias <c>t</c>, current where
    /// <paramref name="isCurrent"/> holds) among the keys of <paramref name="touched"/>, as <c>k=v, …</c>; null when none.
    /// </summary>
    public static async Task<string?> TwiceCurrentAsync(
        IWarehouse warehouse, IWarehouseTransaction transaction, string relation, string touched, IReadOnlyList<string> keys, string isCurrent, CancellationToken cancellationToken)
    {
        var partition = string.Join(", ", keys.Select(k => "t." + warehouse.Quote(k)));
        var twice = await transaction.QueryAsync(
            $"SELECT {partition} FROM {relation} AS t WHERE {isCurrent} AND EXISTS (SELECT 1 FROM {touched} AS s WHERE " +
            $"{KeyJoin.Sql(warehouse, keys, "t", "s")}) GROUP BY {partition} HAVING count(*) > 1 LIMIT 1",
            null, cancellationToken);
        return twice.Count == 0 ? null : string.Join(", ", keys.Select((k, i) => $"{k}={twice[0][i]}"));
    }
}
