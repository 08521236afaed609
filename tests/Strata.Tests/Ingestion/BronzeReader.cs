using System.Globalization;
using Npgsql;
using Strata.Testing;
using Strata.Warehouse;

namespace Strata.Tests.Ingestion;

/// <summary>Reads bronze back in tests, and rebuilds the current state of a table from its changelog.</summary>
internal static class BronzeReader
{
    public static async Task<IWarehouse> OpenAsync(TestProject project)
    {
        return await Strata.Platform.Warehouses.OpenAsync(project.LoadConfig());
    }

    public static Task<IReadOnlyList<object?[]>> QueryAsync(TestProject project, string sql) => QueryAsync(project, _ => sql);

    /// <summary>A query whose text needs the warehouse's dialect: a bronze table's name quoted as the engine stores it, say.</summary>
    public static async Task<IReadOnlyList<object?[]>> QueryAsync(TestProject project, Func<IWarehouse, string> sql)
    {
        await using var warehouse = await OpenAsync(project);
        return await warehouse.QueryAsync(sql(warehouse));
    }

    /// <summary>The bronze table of <c>operations.&lt;table&gt;</c>, quoted by the warehouse (upper case on Snowflake).</summary>
    public static string Bronze(IWarehouse warehouse, string table) => warehouse.Qualify("bronze", $"operations__{table}");

    /// <summary>
    /// The latest version of every key, as normalised text rows sorted by key: the newest snapshot (<c>_op = 'r'</c>)
    /// replaces the table's state, later changes apply in <c>(_lsn, _seq)</c> order, deletes remove, truncates empty.
    /// </summary>
    public static async Task<List<string>> StateAsync(TestProject project, string table, string key, string columns)
    {
        var rows = await QueryAsync(project, warehouse => $"""
            WITH everything AS (SELECT * FROM {Bronze(warehouse, table)}),
            changes AS (SELECT * FROM everything WHERE _lsn >= coalesce((SELECT max(_lsn) FROM everything WHERE _op = 'r'), 0)),
            last_truncate AS (SELECT _lsn AS lsn, _seq AS seq FROM changes WHERE _op = 't' ORDER BY _lsn DESC, _seq DESC LIMIT 1),
            ranked AS (
                SELECT *, row_number() OVER (PARTITION BY {key} ORDER BY _lsn DESC, _seq DESC) AS rn
                FROM changes c WHERE _op <> 't' AND NOT EXISTS (
                    SELECT 1 FROM last_truncate t WHERE c._lsn < t.lsn OR (c._lsn = t.lsn AND c._seq < t.seq)))
            SELECT {columns} FROM ranked WHERE rn = 1 AND _op <> 'd' ORDER BY {key}
            """);
        return rows.Select(Normalise).ToList();
    }

    /// <summary>The same columns read from the source table.</summary>
    public static Task<List<string>> SourceAsync(PostgresServer server, string database, string table, string key, string columns) =>
        SourceQueryAsync(server, database, $"SELECT {columns} FROM operations.{table} ORDER BY {key}");

    /// <summary>A query's rows on the source, as normalised text.</summary>
    public static async Task<List<string>> SourceQueryAsync(PostgresServer server, string database, string sql)
    {
        await using var connection = await server.OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(Normalise(row));
        }

        return rows;
    }

    public static string Normalise(object?[] row) => string.Join("|", row.Select(v => v switch
    {
        null => "∅",
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        decimal m => m.ToString("0.############################", CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToHexString(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    }));
}
