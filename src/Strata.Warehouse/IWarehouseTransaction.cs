namespace Strata.Warehouse;

/// <summary>A warehouse transaction. Disposing without <see cref="CommitAsync"/> rolls back.</summary>
public interface IWarehouseTransaction : IAsyncDisposable
{
    /// <summary>Starts a bulk append into <paramref name="table"/> with the engine's native path, inside this transaction.</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="table">The table.</param>
    /// <param name="columns">Every column of the table, in table order.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    Task<IBulkAppender> AppendAsync(string schema, string table, IReadOnlyList<WarehouseColumn> columns, CancellationToken cancellationToken = default);

    /// <summary>Runs a statement inside the transaction.</summary>
    Task ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>Runs a query inside the transaction.</summary>
    Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>Commits.</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);
}

/// <summary>Rows written with the engine's bulk path (DuckDB appender, PostgreSQL binary COPY).</summary>
public interface IBulkAppender : IAsyncDisposable
{
    /// <summary>Appends one row; values in column order, typed as the columns' CLR types (long, decimal, string, DateTime, …) or null.</summary>
    void Append(ReadOnlySpan<object?> values);

    /// <summary>Finishes the append (still inside the transaction).</summary>
    Task CompleteAsync(CancellationToken cancellationToken = default);
}
