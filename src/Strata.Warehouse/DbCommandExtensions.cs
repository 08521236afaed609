using System.Data.Common;

namespace Strata.Warehouse;

/// <summary>Reading ADO.NET results into the plain rows <see cref="IWarehouse"/> returns, for every adapter.</summary>
public static class DbCommandExtensions
{
    /// <summary>Every row of the command's result; nulls as null, binary values copied out as <c>byte[]</c>.</summary>
    public static async Task<QueryResult> ReadAllRowsAsync(this DbCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
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
