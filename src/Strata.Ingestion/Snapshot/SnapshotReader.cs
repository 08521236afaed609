using Npgsql;
using Strata.Ingestion.Catalog;
using Strata.Source.Schema;

namespace Strata.Ingestion.Snapshot;

/// <summary>A source connection that reads as of a replication slot's exported snapshot.</summary>
internal sealed class SnapshotReader : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private SnapshotReader(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<SnapshotReader> OpenAsync(string connectionString, string snapshotName, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            // Row security off: a table whose policies would hide rows from this login fails its read (below) instead
            // of yielding a snapshot short of the rows the stream then changes.
            await using (var set = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT '{snapshotName}'; SET LOCAL row_security = off", connection, transaction))
            {
                await set.ExecuteNonQueryAsync(cancellationToken);
            }

            return new SnapshotReader(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The rows of <paramref name="table"/> in <paramref name="range"/> by binary COPY, its columns in catalog order
    /// (types Strata cannot map as text).
    /// </summary>
    public Task<NpgsqlBinaryExporter> ExportAsync(SourceTable table, BlockRange range, CancellationToken cancellationToken)
    {
        var select = string.Join(", ", table.Columns.Select(c => c.CastToText ? AsOutputText(Sql.Identifier(c.Name)) : Sql.Identifier(c.Name)));
        var where = range == BlockRange.All ? "" : $" WHERE {range.Condition}";
        return ReadableAsync(table, () => _connection.BeginBinaryExportAsync(
            $"COPY (SELECT {select} FROM {Sql.Qualified(table.Schema, table.Name)}{where}) TO STDOUT (FORMAT binary)", cancellationToken));
    }

    /// <summary>
    /// The table's layout, holding a lock that keeps it (ACCESS SHARE, as the copy would take) until the snapshot's
    /// transaction ends; null where block ranges cannot be read quickly (before PostgreSQL 14, no TID range scans).
    /// </summary>
    public async Task<TableLayout?> LayoutAsync(SourceTable table, CancellationToken cancellationToken)
    {
        if (_connection.PostgreSqlVersion.Major < 14)
        {
            return null;
        }

        var name = Sql.Qualified(table.Schema, table.Name);
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {name} IN ACCESS SHARE MODE", _connection, _transaction))
        {
            await ReadableAsync(table, () => lockTable.ExecuteNonQueryAsync(cancellationToken));
        }

        await using var command = new NpgsqlCommand(
            "SELECT c.relkind = 'r', coalesce(pg_relation_filenode(c.oid), 0), c.relpages, c.reltuples, " +
            "pg_relation_size(c.oid) / current_setting('block_size')::bigint FROM pg_class c WHERE c.oid = $1::regclass", _connection, _transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (plain, filenode, pages, tuples, blocks) = (reader.GetBoolean(0), reader.GetFieldValue<uint>(1), reader.GetInt32(2), reader.GetFloat(3), reader.GetInt64(4));
        var columns = string.Join(",", table.Columns.Select(c => $"{c.Name} {c.SourceType}"));
        var digest = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(columns)))[..16];
        return new TableLayout($"{filenode}:{digest}", blocks, pages > 0 && tuples > 0 ? tuples / pages : 0, plain);
    }

    /// <summary>
    /// Every row of <paramref name="table"/> as PostgreSQL's own text output of each column (NULL kept), timestamptz in
    /// UTC whatever the session's time zone: what reconcile compares bronze with.
    /// </summary>
    public Task<NpgsqlBinaryExporter> ExportTextAsync(SourceTable table, CancellationToken cancellationToken)
    {
        var select = string.Join(", ", table.Columns.Select(c => OutputText(c)));
        return ReadableAsync(table, () => _connection.BeginBinaryExportAsync(
            $"COPY (SELECT {select} FROM {Sql.Qualified(table.Schema, table.Name)}) TO STDOUT (FORMAT binary)", cancellationToken));

        static string OutputText(SourceColumn column)
        {
            var name = Sql.Identifier(column.Name);
            return column is { CastToText: false, Type.Kind: Strata.Warehouse.WarehouseTypeKind.TimestampTz }
                ? $"CASE WHEN {name} IS NULL THEN NULL WHEN NOT isfinite({name}) THEN format('%s', {name}) ELSE format('%s+00', {name} AT TIME ZONE 'UTC') END"
                : AsOutputText(name);
        }
    }

    /// <summary>
    /// The value's text as the type's output function writes it, which is what pgoutput streams. Not <c>::text</c>:
    /// for some types the cast differs (<c>'10.1.2.3'::inet::text</c> is <c>10.1.2.3/32</c>, the stream says <c>10.1.2.3</c>).
    /// </summary>
    private static string AsOutputText(string column) => $"CASE WHEN {column} IS NULL THEN NULL ELSE format('%s', {column}) END";

    /// <summary>
    /// Runs a read of <paramref name="table"/>; a login that may not read all of it (no SELECT, or row-level security it
    /// is subject to) is one line naming the table, the login and the fix.
    /// </summary>
    private async Task<T> ReadableAsync<T>(SourceTable table, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new IngestionException(
                $"{table.DisplayName}: the CDC login {_connection.UserName} cannot read every row of it ({ex.MessageText}), and a snapshot must hold every " +
                $"row the stream will change: grant it SELECT on the table, and where the table has row-level security, BYPASSRLS " +
                $"(as a superuser: ALTER ROLE {_connection.UserName} BYPASSRLS)", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
