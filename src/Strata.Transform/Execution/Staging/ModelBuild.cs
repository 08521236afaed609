using Strata.Warehouse;

namespace Strata.Transform.Execution.Staging;

/// <summary>
/// One model build's way into the warehouse, so that each materialization states its steps once — define (DDL),
/// stage (a batch the build reads and writes from), read, write (DML), guard — whatever the engine's transactions
/// can hold. Where DDL is transactional (DuckDB, PostgreSQL) all of it is one transaction, as it always was
/// (<see cref="TransactionalModelBuild"/>). Where it is not (<see cref="WarehouseCapabilities.TransactionalDdl"/>
/// false), DDL and staging run first, each committed on its own, and only the writes form the transaction
/// (<see cref="StagedModelBuild"/>): so a materialization reads and stages before its first write.
/// </summary>
internal abstract class ModelBuild : IAsyncDisposable
{
    /// <summary>Begins a build, in the form <paramref name="warehouse"/>'s capabilities allow.</summary>
    public static async Task<ModelBuild> BeginAsync(IWarehouse warehouse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var transaction = await warehouse.BeginAsync(cancellationToken);
        return warehouse.Capabilities.TransactionalDdl
            ? new TransactionalModelBuild(warehouse, transaction)
            : new StagedModelBuild(warehouse, transaction);
    }

    /// <summary>
    /// Where DDL goes: the build's transaction where DDL is transactional, else each statement on its own, committed
    /// at once and before the writes. A statement that must commit with the DDL (forgetting a dropped table's
    /// watermark) goes here too.
    /// </summary>
    public abstract IWarehouseTransaction Definitions { get; }

    /// <summary>Runs a DDL statement (see <see cref="Definitions"/>).</summary>
    public Task DefineAsync(string sql, CancellationToken cancellationToken) => Definitions.ExecuteAsync(sql, null, cancellationToken);

    /// <summary>A table holding <paramref name="sql"/>'s rows for this build; returns its name as SQL.</summary>
    public abstract Task<string> StageAsync(string name, string sql, CancellationToken cancellationToken);

    /// <summary>A view over <paramref name="sql"/> for this build; returns its name as SQL.</summary>
    public abstract Task<string> StageViewAsync(string name, string sql, CancellationToken cancellationToken);

    /// <summary>Done with a staged relation: dropped now, or after the commit where the writes still name it.</summary>
    public abstract Task UnstageAsync(string relation, CancellationToken cancellationToken);

    /// <summary>A query. On the staged form it sees committed data and staged relations, never this build's writes: it is refused after one.</summary>
    public abstract Task<QueryResult> ReadAsync(string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken);

    /// <summary>A write (DML): part of the build's one transaction.</summary>
    public abstract Task WriteAsync(string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken);

    /// <summary>
    /// Refuses to commit what the writes so far made when it is wrong. <paramref name="check"/> reads it in the
    /// transaction (null when right) where the engine can; otherwise <paramref name="violationSql"/> — a select whose
    /// first column (text) describes the violation, no rows when right — is made a statement of the transaction that
    /// fails it. Either way the build ends with <paramref name="error"/> of the description and nothing is committed.
    /// </summary>
    public abstract Task GuardAsync(Func<Task<string?>> check, string violationSql, Func<string, Exception> error, CancellationToken cancellationToken);

    /// <summary>Commits the writes (and, on the transactional form, everything else).</summary>
    public abstract Task CommitAsync(CancellationToken cancellationToken);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}
