using DuckDB.NET.Data;

namespace Strata.Warehouse.DuckDb;

/// <summary>A transaction on the warehouse's one connection; it holds the writer lock until disposed.</summary>
internal sealed class DuckDbTransaction(DuckDBConnection connection, DuckDBTransaction transaction, SemaphoreSlim writer) : IWarehouseTransaction
{
    private bool _done;

    public Task<IBulkAppender> AppendAsync(string schema, string table, IReadOnlyList<WarehouseColumn> columns, CancellationToken cancellationToken = default) =>
        Task.FromResult<IBulkAppender>(new DuckDbAppender(connection.CreateAppender(schema, table), new DuckDbStatementRows(connection, transaction, schema, table, columns), schema, table, columns));

    public async Task ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        await using var command = Command(sql, parameters);
        await Run(sql, () => command.ExecuteNonQueryAsync(cancellationToken));
    }

    public async Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        await using var command = Command(sql, parameters);
        return await Run(sql, () => command.ReadAllRowsAsync(DuckDbValues.ColumnReader, cancellationToken));
    }

    public Task CommitAsync(CancellationToken cancellationToken = default)
    {
        transaction.Commit();
        _done = true;
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_done)
            {
                transaction.Rollback();
            }

            transaction.Dispose();
        }
        finally
        {
            writer.Release();
        }

        return ValueTask.CompletedTask;
    }

    private DuckDBCommand Command(string sql, IReadOnlyList<object?>? parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var value in parameters ?? [])
        {
            command.Parameters.Add(new DuckDBParameter(value ?? DBNull.Value));
        }

        return command;
    }

    private static async Task<T> Run<T>(string sql, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (DuckDBException ex)
        {
            throw new WarehouseException($"DuckDB rejected a statement: {ex.Message.Split('\n')[0]} (in: {Abbreviate(sql)})", ex);
        }
    }

    private static string Abbreviate(string sql)
    {
        var flat = string.Join(' ', sql.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 120 ? flat : flat[..117] + "...";
    }
}
