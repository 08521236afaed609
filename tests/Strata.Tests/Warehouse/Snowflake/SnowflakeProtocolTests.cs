using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Strata.Warehouse;
using Strata.Warehouse.Snowflake.Api;
using Strata.Warehouse.Snowflake.Auth;
using static Strata.Tests.Warehouse.Snowflake.SqlApiShapes;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// The SQL API client against an in-process server answering in the documented shapes: what it sends, how it waits,
/// retries, reads partitions, cancels, and what it says when Snowflake refuses. No Snowflake account is reachable
/// here; docs/snowflake.md lists what only the live suite verifies.
/// </summary>
public sealed class SnowflakeProtocolTests
{
    private const string Token = "test-oauth-token-value";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly object[] IdAndName = [Column("ID", "fixed", 0, 38), Column("NAME", "text")];

    private static SnowflakeClient Client(FakeSnowflakeServer server, SnowflakeAuthenticator? auth = null, int retries = 4) => new(
        new SnowflakeClientOptions
        {
            BaseUrl = server.BaseUrl,
            Database = "STRATA",
            Schema = "PUBLIC",
            Warehouse = "STRATA_WH",
            Role = "STRATA_ROLE",
            StatementTimeout = TimeSpan.FromMinutes(10),
            MaxRetries = retries,
            FirstRetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            FirstPollDelay = TimeSpan.FromMilliseconds(10),
            MaxPollDelay = TimeSpan.FromMilliseconds(50),
        },
        auth ?? StaticTokenAuthenticator.OAuth(Token));

    [Fact]
    public async Task A_single_statement_sends_the_documented_request_and_reads_typed_rows()
    {
        // "Submitting a request to execute SQL statements": body fields, parameters, headers; 200 with a ResultSet.
        await using var server = await FakeSnowflakeServer.StartAsync(_ => Task.FromResult(ResultSet("h1", IdAndName, [["1", "one"], ["2", null]])));
        using var client = Client(server);

        var result = await client.ExecuteAsync("SELECT id, name FROM t WHERE id > ?", "ingest", [new SnowflakeBinding("FIXED", "0")]).WaitAsync(Deadline);

        Assert.Equal("h1", result.StatementHandle);
        Assert.Equal(["ID", "NAME"], result.Columns.Select(c => c.Name));
        Assert.Equal([[1L, "one"], [2L, null]], result.Rows);
        var request = Assert.Single(server.Requests);
        Assert.True(request.IsSubmit);
        Assert.True(Guid.TryParse(request.RequestId, out _));
        Assert.False(request.IsRetry);
        Assert.Equal($"Bearer {Token}", request.Headers["Authorization"]);
        Assert.Equal("OAUTH", request.Headers["X-Snowflake-Authorization-Token-Type"]);
        Assert.StartsWith("Strata/", request.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.Equal("application/json", request.Headers["Accept"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        var body = request.Body!.Value;
        Assert.Equal("SELECT id, name FROM t WHERE id > ?", body.GetProperty("statement").GetString());
        Assert.Equal(600, body.GetProperty("timeout").GetInt32());
        Assert.Equal("STRATA", body.GetProperty("database").GetString());
        Assert.Equal("PUBLIC", body.GetProperty("schema").GetString());
        Assert.Equal("STRATA_WH", body.GetProperty("warehouse").GetString());
        Assert.Equal("STRATA_ROLE", body.GetProperty("role").GetString());
        Assert.Equal("FIXED", body.GetProperty("bindings").GetProperty("1").GetProperty("type").GetString());
        Assert.Equal("0", body.GetProperty("bindings").GetProperty("1").GetProperty("value").GetString());
        var parameters = body.GetProperty("parameters");
        Assert.Equal("UTC", parameters.GetProperty("TIMEZONE").GetString());
        Assert.Equal("strata:ingest", parameters.GetProperty("QUERY_TAG").GetString());
        Assert.False(parameters.TryGetProperty("MULTI_STATEMENT_COUNT", out _));
    }

    [Fact]
    public async Task Several_statements_go_in_one_request_and_each_result_is_fetched_by_its_handle()
    {
        // "Submitting multiple SQL statements in a single request": MULTI_STATEMENT_COUNT, statementHandles, a GET per handle.
        await using var server = await FakeSnowflakeServer.StartAsync(request => Task.FromResult(
            request.IsSubmit ? MultiStatement("parent", "s1", "s2", "s3")
            : request.IsGetOf("s1") ? ResultSet("s1", [Column("status", "text")], [["Statement executed successfully."]])
            : request.IsGetOf("s2") ? ResultSet("s2", [Column("number of rows inserted", "fixed", 0)], [["2"]], stats: new { numRowsInserted = 2 })
            : request.IsGetOf("s3") ? ResultSet("s3", [Column("status", "text")], [["Statement executed successfully."]])
            : Status(404)));
        using var client = Client(server);

        var results = await client.ExecuteManyAsync(["BEGIN", "INSERT INTO t VALUES (1), (2)", "COMMIT"], "bronze").WaitAsync(Deadline);

        Assert.Equal(["s1", "s2", "s3"], results.Select(r => r.StatementHandle));
        Assert.Equal(2, results[1].RowsAffected);
        var submit = Assert.Single(server.Submissions);
        Assert.Equal("BEGIN;\nINSERT INTO t VALUES (1), (2);\nCOMMIT", submit.Statement);
        Assert.Equal("3", submit.Body!.Value.GetProperty("parameters").GetProperty("MULTI_STATEMENT_COUNT").GetString());
        Assert.False(submit.Body!.Value.TryGetProperty("bindings", out _));
        Assert.Equal(["/api/v2/statements/s1", "/api/v2/statements/s2", "/api/v2/statements/s3"], server.Requests.Where(r => r.Method == "GET").Select(r => r.Path));
    }

    [Fact]
    public async Task A_statement_still_running_is_polled_by_its_handle_until_it_answers_200()
    {
        // "Handling responses" → "Understanding the flow of execution": 202 with a QueryStatus, GET the handle until 200.
        var checks = 0;
        await using var server = await FakeSnowflakeServer.StartAsync(request => Task.FromResult(
            request.IsSubmit ? Running("slow")
            : request.IsGetOf("slow") && Interlocked.Increment(ref checks) < 3 ? Running("slow")
            : ResultSet("slow", IdAndName, [["7", "seven"]])));
        using var client = Client(server);

        var result = await client.ExecuteAsync("SELECT 7, 'seven'", "model").WaitAsync(Deadline);

        Assert.Equal([[7L, "seven"]], result.Rows);
        var polls = server.Requests.Where(r => r.IsGetOf("slow")).ToList();
        Assert.Equal(3, polls.Count);
        Assert.All(polls, p => Assert.True(Guid.TryParse(p.RequestId, out _)));
        Assert.All(polls, p => Assert.Equal($"Bearer {Token}", p.Headers["Authorization"]));
    }

    [Fact]
    public async Task Every_partition_is_read_in_order()
    {
        // "Retrieving additional partitions": partitionInfo lists three, partitions 1 and 2 come from ?partition=N.
        await using var server = await FakeSnowflakeServer.StartAsync(request => Task.FromResult(
            request.IsSubmit ? ResultSet("big", IdAndName, [["1", "a"], ["2", "b"]], partitions: 3)
            : request.IsGetOf("big") && request.Query.GetValueOrDefault("partition") == "1" ? Partition([["3", "c"], ["4", "d"]])
            : request.IsGetOf("big") && request.Query.GetValueOrDefault("partition") == "2" ? Partition([["5", "e"], ["6", "f"]])
            : Status(404)));
        using var client = Client(server);

        var result = await client.ExecuteAsync("SELECT * FROM big", "report").WaitAsync(Deadline);

        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], result.Rows.Select(r => r[0]));
        Assert.Equal(["1", "2"], server.Requests.Where(r => r.Method == "GET").Select(r => r.Query["partition"]));
    }

    [Fact]
    public async Task A_statement_timeout_408_is_one_error_saying_so_and_is_not_retried()
    {
        // Reference, response code 408: "the execution of the statement exceeded the timeout period".
        await using var server = await FakeSnowflakeServer.StartAsync(_ => Task.FromResult(
            Failure(408, "000630", "57014", "Statement reached its statement or warehouse timeout of 600 second(s) and was canceled.", "t1")));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<WarehouseException>(() => client.ExecuteAsync("SELECT SYSTEM$WAIT(700)", "model").WaitAsync(Deadline));

        Assert.Contains("timeout of 600 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("000630", error.Message, StringComparison.Ordinal);
        Assert.Equal("57014", error.SqlState);
        Assert.False(error.IsTransient);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_refused_statement_422_carries_Snowflakes_code_sqlstate_and_message_and_is_not_retried()
    {
        // Reference, response code 422 and "Getting details about an error": code, sqlState, message.
        await using var server = await FakeSnowflakeServer.StartAsync(_ => Task.FromResult(
            Failure(422, "002003", "42S02", "SQL compilation error:\nObject 'NOPE' does not exist or not authorized.", "f1")));
        using var client = Client(server);

        var error = await Assert.ThrowsAsync<WarehouseException>(() => client.ExecuteAsync("SELECT * FROM nope", "model").WaitAsync(Deadline));

        Assert.Equal(WarehouseErrorKind.Rejected, error.Kind);
        Assert.Equal("42S02", error.SqlState);
        Assert.Contains("002003", error.Message, StringComparison.Ordinal);
        Assert.Contains("Object 'NOPE' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Throttling_and_an_outage_are_retried_with_the_same_request_id_marked_as_a_retry()
    {
        // "Resubmitting a request to execute SQL statements": same requestId, retry=true.
        var attempts = 0;
        await using var server = await FakeSnowflakeServer.StartAsync(_ => Task.FromResult(Interlocked.Increment(ref attempts) switch
        {
            1 => Status(429),
            2 => Status(503),
            _ => ResultSet("ok", IdAndName, [["1", "x"]]),
        }));
        using var client = Client(server);

        var result = await client.ExecuteAsync("INSERT INTO t VALUES (1)", "bronze").WaitAsync(Deadline);

        Assert.Equal("ok", result.StatementHandle);
        var submissions = server.Submissions;
        Assert.Equal(3, submissions.Count);
        Assert.Single(submissions.Select(s => s.RequestId).Distinct());
        Assert.Equal([false, true, true], submissions.Select(s => s.IsRetry));
    }

    [Fact]
    public async Task A_response_lost_after_the_statement_ran_is_resubmitted_and_Snowflake_runs_it_once()
    {
        // The server executes, then the connection drops; the resubmission with the same requestId and retry=true is
        // recognised (the documented de-duplication) and answered with the first execution's result.
        var executions = new ConcurrentDictionary<string, int>();
        var dropped = 0;
        await using var server = await FakeSnowflakeServer.StartAsync(request =>
        {
            var id = request.RequestId!;
            if (executions.ContainsKey(id) && request.IsRetry)
            {
                return Task.FromResult(ResultSet("once", [Column("number of rows inserted", "fixed", 0)], [["1"]], stats: new { numRowsInserted = 1 }));
            }

            executions.AddOrUpdate(id, 1, (_, n) => n + 1);
            return Task.FromResult(Interlocked.Increment(ref dropped) == 1 ? FakeAnswer.Dropped : ResultSet("twice", [], []));
        });
        using var client = Client(server);

        var result = await client.ExecuteAsync("INSERT INTO bronze VALUES (1)", "bronze").WaitAsync(Deadline);

        Assert.Equal("once", result.StatementHandle);
        Assert.Equal(1, result.RowsAffected);
        Assert.Equal(1, Assert.Single(executions).Value);
        Assert.Equal([false, true], server.Submissions.Select(s => s.IsRetry));
    }

    [Fact]
    public async Task Giving_up_while_Snowflake_runs_the_statement_cancels_it_by_its_handle()
    {
        // "Canceling the execution of a SQL statement": POST /api/v2/statements/{handle}/cancel.
        var polled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FakeSnowflakeServer.StartAsync(request =>
        {
            if (request.IsCancelOf("long"))
            {
                cancelled.TrySetResult();
                return Task.FromResult(Cancelled("long"));
            }

            if (request.IsGetOf("long"))
            {
                polled.TrySetResult();
            }

            return Task.FromResult(Running("long"));
        });
        using var client = Client(server);
        using var stop = new CancellationTokenSource();

        var running = client.ExecuteAsync("SELECT SYSTEM$WAIT(3600)", "model", cancellationToken: stop.Token);
        await polled.Task.WaitAsync(Deadline);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(Deadline));
        await cancelled.Task.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Giving_up_before_the_first_answer_finds_the_handle_by_resubmitting_the_request_id_and_cancels_it()
    {
        // The synchronous submission holds up to 45 s without a handle; resubmitting the same requestId with
        // retry=true and async=true returns the running statement's handle (de-duplication), which is cancelled.
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? firstId = null;
        await using var server = await FakeSnowflakeServer.StartAsync(async request =>
        {
            if (request.IsCancelOf("held"))
            {
                cancelled.TrySetResult();
                return Cancelled("held");
            }

            if (request.IsSubmit && !request.IsRetry)
            {
                firstId = request.RequestId;
                held.TrySetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, request.Aborted);
            }

            return request.IsSubmit && request.RequestId == firstId && request.Query.GetValueOrDefault("async") == "true" ? Running("held") : Status(400);
        });
        using var client = Client(server);
        using var stop = new CancellationTokenSource();

        var running = client.ExecuteAsync("SELECT SYSTEM$WAIT(3600)", "model", cancellationToken: stop.Token);
        await held.Task.WaitAsync(Deadline);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(Deadline));
        await cancelled.Task.WaitAsync(Deadline);
        Assert.Equal([false, true], server.Submissions.Select(s => s.IsRetry));
    }

    [Fact]
    public async Task Refused_credentials_are_one_line_without_the_token_the_key_or_the_passphrase()
    {
        // Reference, response codes 401 and 403.
        using var rsa = RSA.Create(2048);
        const string passphrase = "passphrase-never-printed";
        var pem = rsa.ExportEncryptedPkcs8PrivateKeyPem(passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
        using var jwt = KeyPairJwtAuthenticator.FromPem("xy12345", "loader", pem, passphrase, TimeProvider.System, "warehouse.private_key_file");
        string? sentToken = null;
        await using var server = await FakeSnowflakeServer.StartAsync(request =>
        {
            sentToken = request.Headers["Authorization"]["Bearer ".Length..];
            return Task.FromResult(Failure(401, "390144", "08001", "JWT token is invalid.", ""));
        });
        using var client = Client(server, jwt);

        var error = await Assert.ThrowsAsync<WarehouseException>(() => client.ExecuteAsync("SELECT 1", "doctor").WaitAsync(Deadline));

        Assert.Equal(WarehouseErrorKind.Permission, error.Kind);
        Assert.Equal("KEYPAIR_JWT", server.Requests.Single().Headers["X-Snowflake-Authorization-Token-Type"]);
        Assert.Contains(server.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        foreach (var secret in new[] { sentToken!, passphrase, pem.Split('\n')[1], jwt.Token() })
        {
            Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unreachable_account_is_one_error_naming_host_and_port_after_bounded_retries()
    {
        // A privileged port nothing listens on: the tests' own servers take ephemeral ports, so none can take this
        // one between a check and the request (a port freed just before could be).
        const int port = 1;
        using var client = new SnowflakeClient(
            new SnowflakeClientOptions { BaseUrl = new Uri($"http://127.0.0.1:{port}"), MaxRetries = 2, FirstRetryDelay = TimeSpan.FromMilliseconds(10) },
            StaticTokenAuthenticator.ProgrammaticAccessToken(Token));

        var error = await Assert.ThrowsAsync<WarehouseException>(() => client.ExecuteAsync("SELECT 1", "doctor").WaitAsync(Deadline));

        Assert.Equal(WarehouseErrorKind.Unreachable, error.Kind);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_variables_are_refused_in_a_multi_statement_request()
    {
        var statement = new SnowflakeStatement("BEGIN; INSERT INTO t VALUES (?); COMMIT", "bronze", [new SnowflakeBinding("FIXED", "1")], StatementCount: 3);

        Assert.Throws<ArgumentException>(() => SnowflakeRequestBody.Write(statement, new SnowflakeClientOptions { BaseUrl = new Uri("http://127.0.0.1") }));
    }

    [Fact]
    public void A_body_that_is_not_JSON_still_gives_a_readable_error()
    {
        var error = SnowflakeErrors.FromResponse(HttpStatusCode.BadGateway, "<html>bad gateway</html>", "x:443", null);

        Assert.True(error.IsTransient);
        Assert.Contains("HTTP 502", error.Message, StringComparison.Ordinal);
        _ = JsonSerializer.Serialize(error.Message);
    }
}
