using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Strata.Ingestion;
using Strata.Ingestion.Bronze;
using Strata.Ingestion.Catalog;
using Strata.Output;
using Strata.Warehouse;
using static Strata.Tests.Warehouse.Snowflake.SqlApiShapes;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// Bronze on Snowflake without PUT (issue 17, item 3), against the fake account: a batch larger than the SQL API's
/// 1 MB request goes in several <c>BEGIN … COMMIT</c> requests, the checkpoint only in the last; a response lost
/// after Snowflake committed is resubmitted with the same requestId and de-duplicated; the write returns (and so
/// the stream acknowledges the slot) only after the last request's 200. Every request is parsed as Snowflake SQL.
/// </summary>
public sealed partial class SnowflakeBronzeTests
{
    private const string Pipeline = "finance";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly DateTime Committed = new(2026, 12, 1, 8, 30, 0, DateTimeKind.Utc);

    private static readonly SourceTable Orders = new("operations", "orders",
    [
        new("order_id", "bigint", WarehouseType.Int64, false, true),
        new("note", "text", WarehouseType.Text, false, false),
    ]);

    [Fact]
    public async Task A_batch_over_1_MB_goes_in_several_requests_under_1_MB_each_the_checkpoint_in_the_last()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync(BronzeCatalog);
        await using var warehouse = account.Warehouse();
        var writer = await OpenWriterAsync(warehouse);
        var changes = Changes(12_000, lsn: 5_000);

        var written = await writer.WriteAsync(changes, 5_000, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(changes.Count, written);
        var writes = Writes(account);
        Assert.True(writes.Count >= 3, $"{writes.Count} requests for about 2.5 MB of rows");
        Assert.All(writes, w => Assert.True(Encoding.UTF8.GetByteCount(w) < 1_000_000, $"a request of {Encoding.UTF8.GetByteCount(w):N0} bytes"));
        Assert.All(writes, w => Assert.True(w.StartsWith("BEGIN TRANSACTION;\n", StringComparison.Ordinal) && w.EndsWith(";\nCOMMIT", StringComparison.Ordinal), w[..80]));
        Assert.Equal([.. Enumerable.Repeat(false, writes.Count - 1), true], writes.Select(w => w.Contains("MERGE INTO \"_STRATA\".\"CHECKPOINTS\"", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(0, changes.Count), writes.SelectMany(RowNumbers));
        await SnowflakeGrammar.AssertParsesAsync(account.Statements);
    }

    [Fact]
    public async Task A_response_lost_after_commit_is_resubmitted_with_the_same_requestId_and_lands_once()
    {
        // Snowflake ran the second chunk, then the connection dropped: the client sends the same requestId again with
        // retry=true, which Snowflake answers from the first execution instead of running it again (modelled here).
        var executed = new ConcurrentDictionary<string, string>();
        var chunks = 0;
        await using var account = await FakeSnowflakeAccount.StartAsync(request =>
        {
            if (BronzeCatalog(request) is { } catalog)
            {
                return catalog;
            }

            if (!request.IsSubmit || request.Statement?.StartsWith("BEGIN TRANSACTION", StringComparison.Ordinal) != true)
            {
                return null;
            }

            if (executed.ContainsKey(request.RequestId!))
            {
                return request.IsRetry ? null : FakeAnswer.Dropped; // de-duplicated: answered, not run again
            }

            executed[request.RequestId!] = request.Statement;
            return Interlocked.Increment(ref chunks) == 2 ? FakeAnswer.Dropped : null;
        });
        await using var warehouse = account.Warehouse();
        var writer = await OpenWriterAsync(warehouse);
        var changes = Changes(12_000, lsn: 5_000);

        await writer.WriteAsync(changes, 5_000, CancellationToken.None).WaitAsync(Deadline);

        var resubmitted = account.Server.Submissions.GroupBy(s => s.RequestId).Single(g => g.Count() > 1).ToList();
        Assert.Equal([false, true], resubmitted.Select(s => s.IsRetry));
        Assert.Equal(Enumerable.Range(0, changes.Count), executed.Values.SelectMany(RowNumbers).Order());
    }

    [Fact]
    public async Task The_write_returns_only_after_the_last_request_is_answered_200()
    {
        // The stream acknowledges the slot when the write returns (StreamPump.FlushAsync): held until the last answer.
        var last = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var account = await FakeSnowflakeAccount.StartAsync(BronzeCatalog, async request =>
        {
            if (request.IsSubmit && request.Statement?.Contains("\"CHECKPOINTS\" AS t", StringComparison.Ordinal) == true)
            {
                last.TrySetResult();
                await release.Task.WaitAsync(Deadline); // the answer waits, as Snowflake's would while it commits
            }
        });
        await using var warehouse = account.Warehouse();
        var writer = await OpenWriterAsync(warehouse);

        var write = writer.WriteAsync(Changes(12_000, lsn: 5_000), 5_000, CancellationToken.None);
        await last.Task.WaitAsync(Deadline);

        Assert.False(write.IsCompleted, "the write returned before Snowflake answered its last request");
        release.SetResult();
        await write.WaitAsync(Deadline);
        Assert.Contains("CHECKPOINTS", Writes(account)[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_size_the_adapter_gives_a_row_bounds_the_text_it_sends_for_it()
    {
        // The writer keeps the sum of AppendBytes under the limit: it has to be at least the text, heads included.
        await using var account = await FakeSnowflakeAccount.StartAsync();
        await using var warehouse = account.Warehouse();
        WarehouseColumn[] columns =
        [
            new("id", WarehouseType.Int64), new("note", WarehouseType.Text), new("doc", new(WarehouseTypeKind.Json)), new("raw", new(WarehouseTypeKind.Bytes)),
            new("ratio", new(WarehouseTypeKind.Float64)), new("amount", new(WarehouseTypeKind.Decimal, 12, 2)), new("at", WarehouseType.TimestampTz),
        ];
        var random = new Random(17);
        long estimate = 0;
        await using (var transaction = await warehouse.BeginAsync())
        {
            await using (var append = await transaction.AppendAsync("bronze", "wide", columns))
            {
                for (var i = 0; i < 3_000; i++)
                {
                    object?[] row =
                    [
                        (long)i, new string('\\', random.Next(0, 40)) + new string('\'', random.Next(0, 40)) + "é€", """{"k":"it's"}""",
                        Enumerable.Range(0, random.Next(0, 64)).Select(b => (byte)b).ToArray(), i % 3 == 0 ? double.NaN : random.NextDouble(), 1234567890.12m, Committed,
                    ];
                    estimate += warehouse.AppendBytes(columns, row, first: i == 0);
                    append.Append(row);
                }

                await append.CompleteAsync();
            }

            await transaction.CommitAsync().WaitAsync(Deadline);
        }

        var sent = Writes(account).Sum(w => Encoding.UTF8.GetByteCount(w) - "BEGIN TRANSACTION;\n".Length - ";\nCOMMIT".Length);
        Assert.True(sent <= estimate, $"{sent:N0} bytes sent for rows estimated at {estimate:N0}");
        Assert.True(estimate < sent * 1.1, $"the estimate {estimate:N0} is far above the {sent:N0} bytes sent");
    }

    [Fact]
    public async Task The_statements_of_the_replay_guard_and_of_an_interrupted_snapshot_parse_as_Snowflake_SQL()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync(BronzeCatalog);
        await using var warehouse = account.Warehouse();
        var writer = await OpenWriterAsync(warehouse);

        await writer.WriteAsync(Changes(3, lsn: 4_242), 4_242, CancellationToken.None).WaitAsync(Deadline);
        await new Strata.Ingestion.Resync.SnapshotRecords(warehouse, Pipeline).RemoveUnrecordedAsync(Orders.BronzeName, CancellationToken.None).WaitAsync(Deadline);

        Assert.Contains(account.Statements, s => s.Contains("UNION ALL", StringComparison.Ordinal) || s.Contains("max(_lsn)", StringComparison.Ordinal));
        Assert.Contains(account.Statements, s => s.StartsWith("DELETE FROM \"BRONZE\".\"OPERATIONS__ORDERS\" WHERE _op = 'r' AND _lsn NOT IN", StringComparison.Ordinal));
        await SnowflakeGrammar.AssertParsesAsync(account.Statements);
    }

    [Fact]
    public async Task Golden_the_bronze_append_and_its_checkpoint_in_one_request()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync(BronzeCatalog);
        await using var warehouse = account.Warehouse();
        var writer = await OpenWriterAsync(warehouse);

        await writer.WriteAsync(Changes(2, lsn: 4_242), 4_242, CancellationToken.None).WaitAsync(Deadline);

        var request = Now().Replace(Assert.Single(Writes(account)), "'<now>'");
        Assert.Equal(
            "BEGIN TRANSACTION;\n" +
            "INSERT INTO \"BRONZE\".\"OPERATIONS__ORDERS\" (\"ORDER_ID\", \"NOTE\", \"_OP\", \"_LSN\", \"_SEQ\", \"_TXID\", \"_COMMIT_TS\", \"_INGESTED_AT\") " +
            "SELECT CAST(column1 AS NUMBER(19,0)), CAST(column2 AS VARCHAR), CAST(column3 AS VARCHAR), CAST(column4 AS NUMBER(19,0)), CAST(column5 AS NUMBER(10,0)), " +
            "CAST(column6 AS NUMBER(19,0)), CAST(column7 AS TIMESTAMP_TZ(9)), CAST(column8 AS TIMESTAMP_TZ(9)) FROM VALUES " +
            "(0, 'row 0 it''s', 'c', 4242, 0, 77, '2026-12-01 08:30:00.0000000', '<now>'), (1, 'row 1 it''s', 'c', 4242, 1, 77, '2026-12-01 08:30:00.0000000', '<now>');\n" +
            "MERGE INTO \"_STRATA\".\"CHECKPOINTS\" AS t USING (SELECT 'finance' AS \"PIPELINE\", 'strata_finance' AS \"SLOT\", 4242 AS \"CONFIRMED_LSN\", '<now>' AS \"UPDATED_AT\") AS s " +
            "ON t.\"PIPELINE\" = s.\"PIPELINE\"\n" +
            "WHEN MATCHED THEN UPDATE SET \"SLOT\" = s.\"SLOT\", \"CONFIRMED_LSN\" = s.\"CONFIRMED_LSN\", \"UPDATED_AT\" = s.\"UPDATED_AT\"\n" +
            "WHEN NOT MATCHED THEN INSERT (\"PIPELINE\", \"SLOT\", \"CONFIRMED_LSN\", \"UPDATED_AT\") VALUES (s.\"PIPELINE\", s.\"SLOT\", s.\"CONFIRMED_LSN\", s.\"UPDATED_AT\");\n" +
            "COMMIT",
            request);
        await SnowflakeGrammar.AssertParsesAsync(account.Statements);
    }

    private static async Task<BronzeWriter> OpenWriterAsync(IWarehouse warehouse)
    {
        var writer = await BronzeWriter.OpenAsync(warehouse, Pipeline, "strata_finance", new NullConsole(), CancellationToken.None);
        await writer.EnsureTableAsync(Orders, followSource: false, CancellationToken.None);
        return writer;
    }

    private static List<Change> Changes(int count, ulong lsn) =>
        Enumerable.Range(0, count)
            .Select(i => new Change(Orders, 'c', new Dictionary<string, object?> { ["order_id"] = (long)i, ["note"] = $"row {i} it's" + new string('x', count > 100 ? 150 : 0) }, lsn, i, 77, Committed))
            .ToList();

    /// <summary>The bronze writes: multi-statement requests, as Snowflake received them.</summary>
    private static List<string> Writes(FakeSnowflakeAccount account) =>
        account.Statements.Where(s => s.StartsWith("BEGIN TRANSACTION", StringComparison.Ordinal)).ToList();

    private static IEnumerable<int> RowNumbers(string request) =>
        RowNumber().Matches(request).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>information_schema as Snowflake answers it for the bronze table; null for every other request.</summary>
    private static FakeAnswer? BronzeCatalog(FakeRequest request)
    {
        if (request.Statement?.Contains("information_schema.columns", StringComparison.Ordinal) != true)
        {
            return null;
        }

        string?[][] rows =
        [
            ["ORDER_ID", "NUMBER", "19", "0", null], ["NOTE", "TEXT", null, null, "16777216"], ["_OP", "TEXT", null, null, "16777216"],
            ["_LSN", "NUMBER", "19", "0", null], ["_SEQ", "NUMBER", "10", "0", null], ["_TXID", "NUMBER", "19", "0", null],
            ["_COMMIT_TS", "TIMESTAMP_TZ", null, null, null], ["_INGESTED_AT", "TIMESTAMP_TZ", null, null, null],
        ];
        return ResultSet("catalog",
            [Column("COLUMN_NAME", "text"), Column("DATA_TYPE", "text"), Column("NUMERIC_PRECISION", "fixed", 0), Column("NUMERIC_SCALE", "fixed", 0), Column("CHARACTER_MAXIMUM_LENGTH", "fixed", 0)],
            rows);
    }

    // A row of the test's batch as the request writes it: (order_id, 'row <n> …'.
    [GeneratedRegex(@"\((\d+), 'row \d+ it''s")]
    private static partial Regex RowNumber();

    // Timestamps of the moment of the write (_ingested_at, updated_at), which a golden cannot pin.
    [GeneratedRegex(@"'20\d\d-\d\d-\d\d \d\d:\d\d:\d\d\.\d{7}'(?<!'2026-12-01 08:30:00\.0000000')")]
    private static partial Regex Now();
}
