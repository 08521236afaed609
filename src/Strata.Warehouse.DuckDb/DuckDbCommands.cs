using System.Data.Common;

namespace Strata.Warehouse.DuckDb;

/// <summary>Reading results into plain rows.</summary>
internal static class DuckDbCommands
{
    public static async Task<IReadOnlyList<object?[]>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                {
                    // BLOBs come back as streams over native memory that dies with the reader: copy them out.
                    Stream stream => ReadBytes(stream),
                    var value => value,
                };
            }

            rows.Add(row);
        }

        return rows;
    }

    private static byte[] ReadBytes(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
