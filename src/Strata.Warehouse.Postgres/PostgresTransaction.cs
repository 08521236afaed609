using Npgsql;

namespace Strata.Warehouse.Postgres;

/// <summary>A transaction on a pooled connection; COPY, statements and queries all run on it.</summary>
internal sealed class PostgresTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, PostgresWarehouse warehouse) : IWarehouseTransaction
{
    public async Task<IBulkAppender> AppendAsync(string schema, string table, IReadOnlyList<WarehouseColumn> columns, CancellationToken cancellationToken = default)
    {
        var columnList = string.Join(", ", columns.Select(c => warehouse.Quote(c.Name)));
        try
        {
            var importer = await connection.BeginBinaryImportAsync(
                $"COPY {warehouse.Qualify(schema, table)} ({columnList}) FROM STDIN (FORMAT binary)", cancellationToken);
            return new PostgresAppender(importer, columns, warehouse.Location);
        }
        catch (NpgsqlException ex)
        {
            throw PostgresErrors.Translate(ex, warehouse.Location, $"a bulk load of {schema}.{table}");
        }
    }

    public async Task ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        await using var command = Command(sql, parameters);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            throw PostgresErrors.Translate(ex, warehouse.Location, "a statement");
        }
    }

    public async Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        await using var command = Command(sql, parameters);
        try
        {
            return await command.ReadAllRowsAsync(PostgresValues.ColumnReader, cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            throw PostgresErrors.Translate(ex, warehouse.Location, "a statement");
        }
    }

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await transaction.CommitAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            throw PostgresErrors.Translate(ex, warehouse.Location, "a commit");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    private NpgsqlCommand Command(string sql, IReadOnlyList<object?>? parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in parameters ?? [])
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

}
