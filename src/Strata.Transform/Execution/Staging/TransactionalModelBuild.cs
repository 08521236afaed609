using Strata.Warehouse;

namespace Strata.Transform.Execution.Staging;

/// <summary>
/// A build in one transaction, DDL and temporary tables included: what engines with transactional DDL have always
/// run, statement for statement. Reads see the writes before them, so a guard is a query before the commit.
/// </summary>
internal sealed class TransactionalModelBuild(IWarehouse warehouse, IWarehouseTransaction transaction) : ModelBuild
{
    private readonly HashSet<string> _views = new(StringComparer.Ordinal);

    public override IWarehouseTransaction Definitions => transaction;

    public override async Task<string> StageAsync(string name, string sql, CancellationToken cancellationToken)
    {
        await transaction.ExecuteAsync(warehouse.CreateTempTableSql(name, sql), null, cancellationToken);
        return warehouse.Quote(name);
    }

    public override async Task<string> StageViewAsync(string name, string sql, CancellationToken cancellationToken)
    {
        await transaction.ExecuteAsync(warehouse.CreateTempViewSql(name, sql), null, cancellationToken);
        _views.Add(warehouse.Quote(name));
        return warehouse.Quote(name);
    }

    public override Task UnstageAsync(string relation, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync($"DROP {(_views.Remove(relation) ? "VIEW" : "TABLE")} {relation}", null, cancellationToken);

    public override Task<QueryResult> ReadAsync(string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken) =>
        transaction.QueryAsync(sql, parameters, cancellationToken);

    public override Task WriteAsync(string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken) =>
        transaction.ExecuteAsync(sql, parameters, cancellationToken);

    public override async Task GuardAsync(Func<Task<string?>> check, string violationSql, Func<string, Exception> error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(error);
        if (await check() is { } violation)
        {
            throw error(violation);
        }
    }

    public override Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    /// <remarks>Without a commit, a rollback: how a unit test leaves nothing behind.</remarks>
    public override ValueTask DisposeAsync() => transaction.DisposeAsync();
}
