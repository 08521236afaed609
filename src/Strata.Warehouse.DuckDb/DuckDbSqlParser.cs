using System.Text.Json;
using DuckDB.NET.Data;

namespace Strata.Warehouse.DuckDb;

/// <summary>
/// DuckDB's own parser on an in-memory database of its own (no warehouse file is opened): <c>json_serialize_sql</c>
/// turns a SELECT into its syntax tree. Nothing is executed; one statement is parsed at a time.
/// </summary>
public sealed class DuckDbSqlParser : ISqlParser
{
    private readonly DuckDBConnection _connection = new("DataSource=:memory:");
    private readonly Lock _gate = new();

    /// <summary>Opens the in-memory database.</summary>
    public DuckDbSqlParser() => _connection.Open();

    /// <inheritdoc />
    public SqlParseResult Parse(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        string json;
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT json_serialize_sql($1::VARCHAR)";
            command.Parameters.Add(new DuckDBParameter(sql));
            json = (string)command.ExecuteScalar()!;
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.True
            ? new SqlParseResult(null, root.TryGetProperty("error_message", out var message) ? message.GetString() : "DuckDB could not parse the statement")
            : new SqlParseResult(json, null);
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();
}
