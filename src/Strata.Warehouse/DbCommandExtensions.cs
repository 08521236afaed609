using System.Data.Common;

namespace Strata.Warehouse;

/// <summary>Reading ADO.NET results into the plain rows <see cref="IWarehouse"/> returns, for every adapter.</summary>
public static class DbCommandExtensions
{
    /// <summary>Every row of the command's result; nulls as null, binary values copied out as <c>byte[]</c>.</summary>
    /// <param name="command">The query.</param>
    /// <param name="columnReader">
    /// The adapter's reader for a column whose values the driver's default type cannot hold (infinite dates,
    /// <c>24:00:00</c>), chosen once per column from the result's schema; null where the default applies.
    /// </param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static async Task<QueryResult> ReadAllRowsAsync(
        this DbCommand command, Func<DbDataReader, int, Func<DbDataReader, int, object>?>? columnReader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var readers = Enumerable.Range(0, reader.FieldCount).Select(i => columnReader?.Invoke(reader, i)).ToArray();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : readers[i] is { } read ? read(reader, i) : reader.GetValue(i) switch
                {
                    // DuckDB hands BLOBs out as streams over memory that dies with the reader.
                    Stream stream => ReadBytes(stream),
                    var value => value,
                };
            }

            rows.Add(row);
        }

        return new QueryResult(columns, rows);
    }

    private static byte[] ReadBytes(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
