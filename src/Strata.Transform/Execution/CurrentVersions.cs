using Strata.Transform.Execution.Staging;
using Strata.Warehouse;

namespace Strata.Transform.Execution;

/// <summary>
/// The guard dbt's snapshots lack (dbt-adapters #1759): a history table, Strata's or a dbt snapshot, must never
/// commit two current versions of one key. Checked inside the build's transaction, before it commits: a query
/// where the transaction reads its writes, else a statement of the transaction that fails it (<see cref="ModelBuild.GuardAsync"/>).
/// </summary>
internal static class CurrentVersions
{
    /// <summary>
    /// Fails the build with <paramref name="error"/> of a key (<c>k=v, …</c>) that would have two current rows in
    /// <paramref name="relation"/> (alias <c>t</c>, current where <paramref name="isCurrent"/> holds) among the keys of <paramref name="touched"/>.
    /// </summary>
    public static Task GuardAsync(
        IWarehouse warehouse, ModelBuild build, string relation, string touched, IReadOnlyList<string> keys, string isCurrent, Func<string, Exception> error, CancellationToken cancellationToken) =>
        build.GuardAsync(
            () => TwiceCurrentAsync(warehouse, build, relation, touched, keys, isCurrent, cancellationToken),
            TwiceCurrentSql(warehouse, relation, touched, keys, isCurrent), error, cancellationToken);

    private static async Task<string?> TwiceCurrentAsync(
        IWarehouse warehouse, ModelBuild build, string relation, string touched, IReadOnlyList<string> keys, string isCurrent, CancellationToken cancellationToken)
    {
        var partition = string.Join(", ", keys.Select(k => "t." + warehouse.Quote(k)));
        var twice = await build.ReadAsync(
            $"SELECT {partition} FROM {relation} AS t WHERE {isCurrent} AND {Touched(warehouse, touched, keys)} GROUP BY {partition} HAVING count(*) > 1 LIMIT 1",
            null, cancellationToken);
        return twice.Count == 0 ? null : string.Join(", ", keys.Select((k, i) => $"{k}={twice[0][i]}"));
    }

    /// <summary>The same check as a select of one text column, <c>strata_violation</c>: <c>k=v, …</c> of each key current twice.</summary>
    private static string TwiceCurrentSql(IWarehouse warehouse, string relation, string touched, IReadOnlyList<string> keys, string isCurrent)
    {
        var partition = string.Join(", ", keys.Select(k => "t." + warehouse.Quote(k)));
        var text = warehouse.TypeName(WarehouseType.Text);
        var described = string.Join(" || ', ' || ", keys.Select(k => $"'{k.Replace("'", "''", StringComparison.Ordinal)}=' || coalesce(CAST(t.{warehouse.Quote(k)} AS {text}), 'NULL')"));
        return $"SELECT {described} AS strata_violation FROM {relation} AS t WHERE {isCurrent} AND {Touched(warehouse, touched, keys)} GROUP BY {partition} HAVING count(*) > 1";
    }

    private static string Touched(IWarehouse warehouse, string touched, IReadOnlyList<string> keys) =>
        $"EXISTS (SELECT 1 FROM {touched} AS s WHERE {KeyJoin.Sql(warehouse, keys, "t", "s")})";
}
