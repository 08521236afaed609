using System.Text.Json;

namespace Strata.Warehouse.Snowflake.Api;

/// <summary>
/// The parts of a 200 or 202 body the client reads ("Handling responses", and the ResultSet and QueryStatus objects
/// of the reference): the statement handle, the handles of a multi-statement request, <c>resultSetMetaData</c>
/// (<c>rowType</c>, <c>partitionInfo</c>), the rows of partition 0 and <c>stats</c>.
/// </summary>
internal sealed class SnowflakeResponse
{
    private SnowflakeResponse(string handle, IReadOnlyList<string> statementHandles, IReadOnlyList<SnowflakeColumn> columns, int partitions, List<string?[]> data, long? rowsAffected)
    {
        Handle = handle;
        StatementHandles = statementHandles;
        Columns = columns;
        Partitions = partitions;
        Data = data;
        RowsAffected = rowsAffected;
    }

    public string Handle { get; }

    /// <summary>One handle per statement of a multi-statement request; empty otherwise.</summary>
    public IReadOnlyList<string> StatementHandles { get; }

    public IReadOnlyList<SnowflakeColumn> Columns { get; }

    /// <summary>How many partitions the result has (<c>partitionInfo</c>'s length; partition 0 is inline).</summary>
    public int Partitions { get; }

    public List<string?[]> Data { get; }

    public long? RowsAffected { get; }

    /// <exception cref="JsonException">The body is not the documented shape.</exception>
    public static SnowflakeResponse Parse(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var handle = root.TryGetProperty("statementHandle", out var h) ? h.GetString() ?? "" : "";
        var handles = root.TryGetProperty("statementHandles", out var hs) && hs.ValueKind == JsonValueKind.Array
            ? hs.EnumerateArray().Select(e => e.GetString() ?? "").ToList()
            : [];
        var columns = new List<SnowflakeColumn>();
        var partitions = 1;
        if (root.TryGetProperty("resultSetMetaData", out var meta) && meta.ValueKind == JsonValueKind.Object)
        {
            if (meta.TryGetProperty("rowType", out var rowType) && rowType.ValueKind == JsonValueKind.Array)
            {
                columns.AddRange(rowType.EnumerateArray().Select(Column));
            }

            if (meta.TryGetProperty("partitionInfo", out var info) && info.ValueKind == JsonValueKind.Array)
            {
                partitions = Math.Max(1, info.GetArrayLength());
            }
        }

        return new SnowflakeResponse(handle, handles, columns, partitions, Rows(root), ChangedRows(root));
    }

    /// <summary>The rows of a partition's body (<c>GET …?partition=N</c> answers with <c>data</c>).</summary>
    public static List<string?[]> Rows(string body)
    {
        using var document = JsonDocument.Parse(body);
        return Rows(document.RootElement);
    }

    private static List<string?[]> Rows(JsonElement root)
    {
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return data.EnumerateArray()
            .Select(row => row.EnumerateArray().Select(cell => cell.ValueKind == JsonValueKind.Null ? null : cell.ValueKind == JsonValueKind.String ? cell.GetString() : cell.GetRawText()).ToArray())
            .ToList();
    }

    private static SnowflakeColumn Column(JsonElement column) => new(
        column.GetProperty("name").GetString() ?? "",
        (column.GetProperty("type").GetString() ?? "text").ToLowerInvariant(),
        Integer(column, "precision"),
        Integer(column, "scale"),
        !column.TryGetProperty("nullable", out var nullable) || nullable.ValueKind != JsonValueKind.False);

    private static int? Integer(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static long? ChangedRows(JsonElement root)
    {
        if (!root.TryGetProperty("stats", out var stats) || stats.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        long total = 0;
        foreach (var name in (ReadOnlySpan<string>)["numRowsInserted", "numRowsUpdated", "numRowsDeleted"])
        {
            if (stats.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                total += value.GetInt64();
            }
        }

        return total;
    }
}
