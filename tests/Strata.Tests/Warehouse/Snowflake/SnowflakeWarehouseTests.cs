using Strata.Warehouse;
using Strata.Warehouse.Changelog;
using Strata.Warehouse.Metadata;
using Strata.Warehouse.Snowflake;
using static Strata.Tests.Warehouse.Snowflake.SqlApiShapes;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// The Snowflake adapter against a fake account: what it sends for transactions, appends and catalog reads, the
/// statements it writes (golden), and every one of them parsed with a Snowflake SQL grammar. Whether Snowflake runs
/// them as intended is for the live suite (docs/snowflake.md).
/// </summary>
public sealed class SnowflakeWarehouseTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset At = new(2026, 12, 1, 8, 30, 0, TimeSpan.Zero);

    private static readonly IReadOnlyList<WarehouseColumn> EveryType =
    [
        new("id", WarehouseType.Int64), new("small", new WarehouseType(WarehouseTypeKind.Int16)), new("medium", WarehouseType.Int32),
        new("flag", new WarehouseType(WarehouseTypeKind.Boolean)), new("ratio", new WarehouseType(WarehouseTypeKind.Float64)),
        new("amount", new WarehouseType(WarehouseTypeKind.Decimal, 12, 2)), new("any_number", new WarehouseType(WarehouseTypeKind.Decimal)),
        new("Mixed Case \"quoted\"", WarehouseType.Text), new("day", new WarehouseType(WarehouseTypeKind.Date)), new("clock", new WarehouseType(WarehouseTypeKind.Time)),
        new("local_ts", new WarehouseType(WarehouseTypeKind.Timestamp)), new("_commit_ts", WarehouseType.TimestampTz),
        new("key", new WarehouseType(WarehouseTypeKind.Uuid)), new("doc", new WarehouseType(WarehouseTypeKind.Json)), new("raw", new WarehouseType(WarehouseTypeKind.Bytes)),
    ];

    [Fact]
    public async Task Each_request_is_tagged_with_the_job_of_the_flow_that_sent_it()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync();
        await using var warehouse = account.Warehouse();

        await warehouse.ExecuteAsync("SELECT 1");
        using (WarehouseJob.Begin("transform"))
        {
            await warehouse.ExecuteAsync("SELECT 2");
            using (WarehouseJob.Begin("report:daily\nsummary"))
            {
                await using var transaction = await warehouse.BeginAsync();
                await transaction.ExecuteAsync("SELECT 3");
                await transaction.CommitAsync().WaitAsync(Deadline);
            }

            await warehouse.ExecuteAsync("SELECT 4");
        }

        Assert.Equal(["strata:test", "strata:transform", "strata:report:daily summary", "strata:transform"],
            account.Server.Submissions.Select(s => s.Body!.Value.GetProperty("parameters").GetProperty("QUERY_TAG").GetString()));
        Assert.Null(WarehouseJob.Current);
    }

    [Fact]
    public async Task A_transaction_is_one_BEGIN_COMMIT_request_of_literals_sent_at_commit()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync();
        await using var warehouse = account.Warehouse();
        var columns = new WarehouseColumn[] { new("id", WarehouseType.Int64), new("note", WarehouseType.Text), new("doc", new(WarehouseTypeKind.Json)), new("at", WarehouseType.TimestampTz) };

        await using (var transaction = await warehouse.BeginAsync())
        {
            await using (var append = await transaction.AppendAsync("bronze", "orders", columns))
            {
                append.Append([1L, "it's a \\ path", """{"a":1}""", At]);
                append.Append([2L, null, null, At.AddDays(1)]);
                await append.CompleteAsync();
            }

            await transaction.ExecuteAsync(warehouse.UpsertSql("_strata", "checkpoints", ["pipeline", "lsn"], ["pipeline"]), ["finance", 42L]);
            Assert.Empty(account.Server.Requests);
            await transaction.CommitAsync().WaitAsync(Deadline);
        }

        var submit = Assert.Single(account.Server.Submissions);
        Assert.Equal("4", submit.Body!.Value.GetProperty("parameters").GetProperty("MULTI_STATEMENT_COUNT").GetString());
        Assert.False(submit.Body!.Value.TryGetProperty("bindings", out _));
        Assert.Equal(
            "BEGIN TRANSACTION;\n" +
            "INSERT INTO \"BRONZE\".\"ORDERS\" (\"ID\", \"NOTE\", \"DOC\", \"AT\") SELECT CAST(column1 AS NUMBER(19,0)), CAST(column2 AS VARCHAR), PARSE_JSON(column3), CAST(column4 AS TIMESTAMP_TZ(9)) FROM VALUES " +
            "(1, 'it''s a \\\\ path', '{\"a\":1}', '2026-12-01 08:30:00.0000000 +00:00'), (2, NULL, NULL, '2026-12-02 08:30:00.0000000 +00:00');\n" +
            "MERGE INTO \"_STRATA\".\"CHECKPOINTS\" AS t USING (SELECT 'finance' AS \"PIPELINE\", 42 AS \"LSN\") AS s ON t.\"PIPELINE\" = s.\"PIPELINE\"\n" +
            "WHEN MATCHED THEN UPDATE SET \"LSN\" = s.\"LSN\"\n" +
            "WHEN NOT MATCHED THEN INSERT (\"PIPELINE\", \"LSN\") VALUES (s.\"PIPELINE\", s.\"LSN\");\n" +
            "COMMIT",
            submit.Statement);
        Assert.Equal(["/api/v2/statements/multi-1-1", "/api/v2/statements/multi-1-2", "/api/v2/statements/multi-1-3", "/api/v2/statements/multi-1-4"],
            account.Server.Requests.Where(r => r.Method == "GET").Select(r => r.Path));
        await SnowflakeGrammar.AssertParsesAsync(account.Statements);
    }

    [Fact]
    public async Task A_transaction_disposed_without_commit_sends_nothing_and_a_lone_statement_keeps_its_bind_variables()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync();
        await using var warehouse = account.Warehouse();

        await using (var abandoned = await warehouse.BeginAsync())
        {
            await abandoned.ExecuteAsync("DELETE FROM \"T\"");
        }

        Assert.Empty(account.Server.Requests);
        await warehouse.ExecuteAsync("UPDATE \"T\" SET \"V\" = ? WHERE \"K\" = ?", ["x", 7L]).WaitAsync(Deadline);

        var submit = Assert.Single(account.Server.Submissions);
        Assert.Equal("UPDATE \"T\" SET \"V\" = ? WHERE \"K\" = ?", submit.Statement);
        var bindings = submit.Body!.Value.GetProperty("bindings");
        Assert.Equal(("TEXT", "x"), (bindings.GetProperty("1").GetProperty("type").GetString(), bindings.GetProperty("1").GetProperty("value").GetString()));
        Assert.Equal(("FIXED", "7"), (bindings.GetProperty("2").GetProperty("type").GetString(), bindings.GetProperty("2").GetProperty("value").GetString()));
    }

    [Fact]
    public async Task A_query_after_a_write_in_the_same_transaction_is_refused_rather_than_answered_from_before_it()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync();
        await using var warehouse = account.Warehouse();
        await using var transaction = await warehouse.BeginAsync();
        await transaction.ExecuteAsync("DELETE FROM \"T\"");

        var error = await Assert.ThrowsAsync<WarehouseException>(() => transaction.QueryAsync("SELECT count(*) FROM \"T\""));

        Assert.Contains("cannot see that write", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DDL_among_several_statements_of_a_transaction_is_refused_before_anything_is_sent()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync();
        await using var warehouse = account.Warehouse();
        await using var transaction = await warehouse.BeginAsync();
        await transaction.ExecuteAsync("DELETE FROM \"T\"");
        await transaction.ExecuteAsync(warehouse.CreateTempTableSql("__strata_batch", "SELECT 1 AS id"));

        var error = await Assert.ThrowsAsync<WarehouseException>(() => transaction.CommitAsync());

        Assert.StartsWith("DDL inside a transaction of several statements would commit it halfway on Snowflake; run it before the transaction: CREATE TEMPORARY TABLE", error.Message, StringComparison.Ordinal);
        Assert.Empty(account.Server.Requests);
    }

    [Fact]
    public async Task Columns_and_relation_kinds_come_from_information_schema_under_the_case_policy()
    {
        // information_schema.columns as Snowflake keeps it: names as stored, data_type without length.
        await using var account = await FakeSnowflakeAccount.StartAsync(request => request.Statement switch
        {
            { } sql when sql.Contains("information_schema.columns", StringComparison.Ordinal) => ResultSet("c",
                [Column("COLUMN_NAME", "text"), Column("DATA_TYPE", "text"), Column("NUMERIC_PRECISION", "fixed", 0), Column("NUMERIC_SCALE", "fixed", 0), Column("CHARACTER_MAXIMUM_LENGTH", "fixed", 0)],
                [
                    ["ID", "NUMBER", "19", "0", null], ["SMALL", "NUMBER", "5", "0", null], ["AMOUNT", "NUMBER", "12", "2", null], ["ANY_NUMBER", "NUMBER", "38", "10", null],
                    ["Mixed Case \"quoted\"", "TEXT", null, null, "16777216"], ["KEY", "TEXT", null, null, "36"], ["_COMMIT_TS", "TIMESTAMP_TZ", null, null, null],
                    ["LOCAL_TS", "TIMESTAMP_NTZ", null, null, null], ["DOC", "VARIANT", null, null, null], ["RAW", "BINARY", null, null, "8388608"], ["RATIO", "FLOAT", null, null, null],
                ]),
            { } sql when sql.Contains("information_schema.tables", StringComparison.Ordinal) => ResultSet("t", [Column("TABLE_TYPE", "text")], [["VIEW"]]),
            _ => null,
        });
        await using var warehouse = account.Warehouse();

        var columns = await warehouse.GetColumnsAsync("bronze", "orders").WaitAsync(Deadline);
        var kind = await warehouse.RelationKindAsync("gold", "Daily Revenue").WaitAsync(Deadline);

        Assert.Equal(
            [
                new("id", WarehouseType.Int64), new("small", new(WarehouseTypeKind.Int16)), new("amount", new(WarehouseTypeKind.Decimal, 12, 2)), new("any_number", new(WarehouseTypeKind.Decimal, 38, 10)),
                new("Mixed Case \"quoted\"", WarehouseType.Text), new("key", new(WarehouseTypeKind.Uuid)), new("_commit_ts", WarehouseType.TimestampTz),
                new("local_ts", new(WarehouseTypeKind.Timestamp)), new("doc", new(WarehouseTypeKind.Json)), new("raw", new(WarehouseTypeKind.Bytes)), new("ratio", new(WarehouseTypeKind.Float64)),
            ],
            columns!);
        Assert.Equal(RelationKind.View, kind);
        var bindings = account.Server.Submissions.Select(s => s.Body!.Value.GetProperty("bindings")).Select(b => (b.GetProperty("1").GetProperty("value").GetString(), b.GetProperty("2").GetProperty("value").GetString()));
        Assert.Equal([("BRONZE", "ORDERS"), ("GOLD", "Daily Revenue")], bindings);
    }

    [Fact]
    public async Task Query_results_carry_the_names_and_value_types_the_other_adapters_give()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync(request => ResultSet("q",
            [Column("REGION", "text"), Column("Total Sales", "fixed", 2, 12), Column("_COMMIT_TS", "timestamp_tz", 9), Column("CLOCK", "time", 9)],
            [["north", "10.50", "1764577800.000000000 1440", "3600.000000000"]]));
        await using var warehouse = account.Warehouse();

        var result = await warehouse.QueryAsync("SELECT region, …").WaitAsync(Deadline);

        Assert.Equal(["region", "Total Sales", "_commit_ts", "clock"], result.Columns);
        Assert.Equal([["north", 10.50m, new DateTime(2025, 12, 1, 8, 30, 0, DateTimeKind.Utc), TimeSpan.FromHours(1)]], result);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)result[0][2]!).Kind);
    }

    [Fact]
    public void The_statements_that_matter_are_pinned()
    {
        var warehouse = new SnowflakeWarehouse(new Strata.Warehouse.Snowflake.Api.SnowflakeClient(
            new() { BaseUrl = new Uri("http://127.0.0.1:9") }, Strata.Warehouse.Snowflake.Auth.StaticTokenAuthenticator.OAuth("t")), "test");

        Assert.Equal("\"ORDER_ID\"", warehouse.Quote("order_id"));
        Assert.Equal("\"Mixed Case \"\"quoted\"\"\"", warehouse.Quote("Mixed Case \"quoted\""));
        Assert.Equal("\"OrderId\"", warehouse.Quote("OrderId"));
        Assert.Equal(
            "MERGE INTO \"GOLD\".\"ORDERS\" AS t USING (SELECT * FROM \"__STRATA_BATCH\" QUALIFY ROW_NUMBER() OVER (PARTITION BY \"ORDER_ID\" ORDER BY \"ORDER_ID\") = 1) AS s ON t.\"ORDER_ID\" = s.\"ORDER_ID\"\n" +
            "WHEN MATCHED THEN UPDATE SET \"STATUS\" = s.\"STATUS\"\n" +
            "WHEN NOT MATCHED THEN INSERT (\"ORDER_ID\", \"STATUS\") VALUES (s.\"ORDER_ID\", s.\"STATUS\")",
            warehouse.MergeSql(warehouse.Qualify("gold", "orders"), warehouse.Quote("__strata_batch"), ["order_id"], ["order_id", "status"]));
        Assert.Equal("DELETE FROM \"GOLD\".\"ORDERS\" AS t USING \"__STRATA_BATCH\" AS s WHERE t.\"ORDER_ID\" = s.\"ORDER_ID\"",
            warehouse.DeleteMatchingSql(warehouse.Qualify("gold", "orders"), warehouse.Quote("__strata_batch"), ["order_id"]));
        Assert.Equal("CAST('2026-12-01 08:30:00.000000 +00:00' AS TIMESTAMP_TZ(9))", warehouse.TimestampSql(At, WarehouseType.TimestampTz));
        Assert.Equal("DATEDIFF(day, CAST(a AS DATE), CAST(b AS DATE))", warehouse.DaysBetweenSql("a", "b"));
        Assert.Equal(
            new WarehouseCapabilities(ParallelWriters: true, MaxDecimalPrecision: 38, TransactionalDdl: false, EnforcedKeys: false, MaxTransactionBytes: SnowflakeLimits.MaxStatementBytes),
            warehouse.Capabilities);
    }

    [Fact]
    public async Task Every_statement_the_adapter_writes_parses_as_Snowflake_SQL()
    {
        // An aggregate answers one row even over an empty table (the schema version).
        await using var account = await FakeSnowflakeAccount.StartAsync(request =>
            request.Statement?.StartsWith("SELECT max(", StringComparison.Ordinal) == true ? ResultSet("max", [Column("MAX(VERSION)", "fixed", 0)], [[null]]) : null);
        await using var warehouse = account.Warehouse();
        var table = warehouse.Qualify("contract", "every type");
        var changes = warehouse.Qualify("bronze", "operations_orders");

        await warehouse.EnsureSchemaAsync("contract");
        await warehouse.CreateTableAsync("contract", "every type", EveryType, primaryKey: ["id"]);
        await warehouse.AddColumnAsync("contract", "every type", new("added", new WarehouseType(WarehouseTypeKind.Decimal, 20, 4)));
        await warehouse.WidenColumnAsync("contract", "every type", new("amount", new WarehouseType(WarehouseTypeKind.Decimal, 18, 2)));
        await StrataSchema.EnsureAsync(warehouse);
        // DDL on its own (it commits by itself in Snowflake), the writes in one transaction.
        await warehouse.ExecuteAsync(warehouse.CreateTempTableSql("__strata_batch", $"SELECT * FROM {table} WHERE {warehouse.Quote("id")} > {warehouse.TypedParameter(1, WarehouseType.Int64)}"), [0L]);
        await warehouse.ExecuteAsync(warehouse.CreateTempViewSql("__strata_view", $"SELECT {warehouse.HashTextSql(warehouse.Quote("id"))} AS h, {warehouse.DaysBetweenSql(warehouse.Quote("day"), warehouse.TimestampSql(At, new(WarehouseTypeKind.Date)))} AS d FROM {table}"));
        await warehouse.ExecuteAsync(warehouse.CreateScratchTableSql("_strata_stage", "strata_batch__m__1a2b3c4d", $"SELECT * FROM {table}"));
        await warehouse.ExecuteAsync(warehouse.ReplaceTableSql("gold", "every type copy", $"SELECT * FROM {table}"));
        await using (var ddl = await warehouse.BeginAsync())
        {
            await warehouse.ReplaceViewAsync(ddl, "gold", "current orders", $"SELECT * FROM {table}");
            await ddl.CommitAsync();
        }

        await using (var transaction = await warehouse.BeginAsync())
        {
            await using (var append = await transaction.AppendAsync("contract", "every type", EveryType))
            {
                append.Append([1L, (short)2, 3, true, double.NaN, 12.5m, 1.25m, "x", new DateOnly(2026, 1, 2), TimeSpan.FromHours(23), new DateTime(2026, 1, 2, 3, 4, 5), At, Guid.Empty, "[1,2]", new byte[] { 1, 2 }]);
                append.Append(new object?[EveryType.Count]);
                await append.CompleteAsync();
            }

            await transaction.ExecuteAsync(warehouse.MergeSql(table, warehouse.Quote("__strata_batch"), ["id"], EveryType.Select(c => c.Name).ToList()));
            await transaction.ExecuteAsync(warehouse.DeleteMatchingSql(table, warehouse.Quote("__strata_batch"), ["id"]));
            await transaction.ExecuteAsync(warehouse.UpdateFromSql(table, $"(SELECT {warehouse.Quote("id")}, {warehouse.Quote("amount")} * 10 AS a10 FROM {table})", ["id"], "amount = s.a10, flag = false", "t.amount > 30"));
            await transaction.ExecuteAsync(warehouse.UpsertSql("_strata", "checkpoints", ["pipeline", "lsn", "committed_at"], ["pipeline"]), ["finance", 42L, At]);
            await transaction.ExecuteAsync($"INSERT INTO {table} ({warehouse.Quote("id")}, {warehouse.Quote("_commit_ts")}) VALUES ({warehouse.Parameter(1)}, {warehouse.TimestampSql(At, WarehouseType.TimestampTz)})", [9L]);
            await transaction.CommitAsync();
        }

        await warehouse.QueryAsync(ChangelogState.ResetsSql(changes));
        await warehouse.QueryAsync(ChangelogState.LatestVersionsSql(warehouse, changes, ["order_id"], new ChangelogPosition(10, 2)));
        await warehouse.QueryAsync(ChangelogState.VersionsSinceSql(changes, null));
        await warehouse.ExecuteAsync(warehouse.DropRelationSql("gold", "current orders", isView: true));
        await warehouse.ExecuteAsync(warehouse.DropRelationSql("contract", "every type", isView: false));

        Assert.True(account.Statements.Count >= 10, string.Join("\n", account.Statements));
        await SnowflakeGrammar.AssertParsesAsync(account.Statements);
    }

    [Fact]
    public async Task The_grammar_check_refuses_what_is_not_Snowflake_SQL()
    {
        foreach (var wrong in new[] { "SELEC 1", "INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO NOTHING", "CREATE TABLE t (a TIMESTAMPTZ)", "SELECT job, trigger FROM runs" })
        {
            await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => SnowflakeGrammar.AssertParsesAsync([wrong]));
        }

        await SnowflakeGrammar.AssertParsesAsync(["SELECT 'ON CONFLICT $1' AS \"TIMESTAMPTZ\"", "SELECT job, \"TRIGGER\", sum(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM runs"]);
    }
}
