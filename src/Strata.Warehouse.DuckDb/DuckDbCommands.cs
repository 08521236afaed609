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
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
