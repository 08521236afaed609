using System.Text.Json;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// Response bodies in the shapes of Snowflake's SQL API reference (docs.snowflake.com/en/developer-guide/sql-api/reference,
/// "Response codes" and the ResultSet, QueryStatus and QueryFailureStatus objects). Values are written as the SQL
/// API writes them: every cell a string ("Handling responses" → "Getting the data from the results").
/// </summary>
public static class SqlApiShapes
{
    /// <summary>A column of <c>resultSetMetaData.rowType</c> ("ResultSet" → <c>rowType</c>).</summary>
    public static object Column(string name, string type, int? scale = null, int? precision = null) =>
        new { name, type, scale, precision, nullable = true, database = "STRATA", schema = "PUBLIC", table = "T", length = (int?)null, byteLength = (int?)null };

    /// <summary>200 with a ResultSet: partition 0 inline, <paramref name="partitions"/> entries in <c>partitionInfo</c>.</summary>
    public static FakeAnswer ResultSet(string handle, object[] rowType, string?[][] rows, int partitions = 1, object? stats = null) => new(200, JsonSerializer.Serialize(new
    {
        resultSetMetaData = new
        {
            numRows = rows.Length * partitions,
            format = "jsonv2",
            rowType,
            partitionInfo = Enumerable.Range(0, partitions).Select(_ => new { rowCount = rows.Length, uncompressedSize = 1024 }).ToArray(),
        },
        data = rows,
        code = "090001",
        statementStatusUrl = $"/api/v2/statements/{handle}?requestId=ignored",
        requestId = Guid.NewGuid(),
        sqlState = "00000",
        statementHandle = handle,
        message = "Statement executed successfully.",
        createdOn = 1_700_000_000_000,
        stats,
    }));

    /// <summary>
    /// 200 for a multi-statement request ("Submitting multiple SQL statements in a single request" → "Getting the
    /// results"): no rows of its own, a handle per statement in <c>statementHandles</c>.
    /// </summary>
    public static FakeAnswer MultiStatement(string handle, params string[] statementHandles) => new(200, JsonSerializer.Serialize(new
    {
        resultSetMetaData = new { numRows = 1, format = "jsonv2", rowType = new[] { Column("multiple statement execution", "text") }, partitionInfo = new[] { new { rowCount = 1 } } },
        data = new[] { new[] { "Multiple statements executed successfully." } },
        code = "090001",
        statementHandle = handle,
        statementHandles,
        message = "Statement executed successfully.",
    }));

    /// <summary>Rows of partition N ≥ 1 ("Retrieving additional partitions"): the body holds <c>data</c>.</summary>
    public static FakeAnswer Partition(string?[][] rows) => new(200, JsonSerializer.Serialize(new { data = rows }));

    /// <summary>202 with a QueryStatus: still running, check <c>statementStatusUrl</c> ("Checking the status of the execution").</summary>
    public static FakeAnswer Running(string handle) => new(202, JsonSerializer.Serialize(new
    {
        code = "333334",
        message = "Asynchronous execution in progress. Use provided query id to perform query monitoring and management.",
        statementHandle = handle,
        statementStatusUrl = $"/api/v2/statements/{handle}",
    }));

    /// <summary>408 or 422 with a QueryFailureStatus ("Getting details about an error").</summary>
    public static FakeAnswer Failure(int status, string code, string sqlState, string message, string handle) =>
        new(status, JsonSerializer.Serialize(new { code, sqlState, message, statementHandle = handle, statementStatusUrl = $"/api/v2/statements/{handle}" }));

    /// <summary>200 to <c>POST …/cancel</c> ("Canceling the execution of a SQL statement").</summary>
    public static FakeAnswer Cancelled(string handle) =>
        new(200, JsonSerializer.Serialize(new { code = "000604", sqlState = "57014", message = "SQL execution canceled", statementHandle = handle }));

    /// <summary>429 or 503 as the gateway sends them: a short error body.</summary>
    public static FakeAnswer Status(int status) => new(status, JsonSerializer.Serialize(new { message = status == 429 ? "Too many requests" : "Service unavailable" }));
}
