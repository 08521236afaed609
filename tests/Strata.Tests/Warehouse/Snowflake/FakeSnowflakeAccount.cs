using System.Collections.Concurrent;
using Strata.Warehouse.Snowflake;
using Strata.Warehouse.Snowflake.Api;
using Strata.Warehouse.Snowflake.Auth;
using static Strata.Tests.Warehouse.Snowflake.SqlApiShapes;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// A fake account that accepts every statement (an answer without rows) unless the test answers
/// it (<c>answer</c>), runs multi-statement requests as the reference describes (a handle per statement), and keeps
/// every statement text it was sent, for golden and grammar checks. It runs no SQL.
/// </summary>
public sealed class FakeSnowflakeAccount : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _handles = new();
    private int _next;

    private FakeSnowflakeAccount(Func<FakeRequest, FakeAnswer?> answer) => Answer = answer;

    /// <summary>The server.</summary>
    public FakeSnowflakeServer Server { get; private set; } = null!;

    /// <summary>The statement texts submitted, in order (a multi-statement request is one text).</summary>
    public IReadOnlyList<string> Statements => Server.Submissions.Select(s => s.Statement!).ToList();

    private Func<FakeRequest, FakeAnswer?> Answer { get; }

    /// <summary>Starts it; <paramref name="answer"/> returns null for the default answer.</summary>
    public static async Task<FakeSnowflakeAccount> StartAsync(Func<FakeRequest, FakeAnswer?>? answer = null)
    {
        var account = new FakeSnowflakeAccount(answer ?? (_ => null));
        account.Server = await FakeSnowflakeServer.StartAsync(request => Task.FromResult(account.Reply(request)));
        return account;
    }

    /// <summary>Starts it with <paramref name="before"/> awaited before each request is answered (to hold an answer back).</summary>
    public static async Task<FakeSnowflakeAccount> StartAsync(Func<FakeRequest, FakeAnswer?> answer, Func<FakeRequest, Task> before)
    {
        var account = new FakeSnowflakeAccount(answer);
        account.Server = await FakeSnowflakeServer.StartAsync(async request =>
        {
            await before(request);
            return account.Reply(request);
        });
        return account;
    }

    /// <summary>A warehouse on this account.</summary>
    public SnowflakeWarehouse Warehouse() => new(
        new SnowflakeClient(
            new SnowflakeClientOptions { BaseUrl = Server.BaseUrl, Database = "STRATA", FirstPollDelay = TimeSpan.FromMilliseconds(10), FirstRetryDelay = TimeSpan.FromMilliseconds(10) },
            StaticTokenAuthenticator.ProgrammaticAccessToken("test-pat")),
        $"{Server.BaseUrl.Host}:{Server.BaseUrl.Port}/STRATA",
        "test");

    /// <summary>Points a project's warehouse at this account, as a user would with <c>STRATA_WAREHOUSE_*</c> (a programmatic access token).</summary>
    public void UseIn(IDictionary<string, string> environment, string token = "test-pat") => UseIn(environment, Server.BaseUrl, token);

    /// <summary>Points a project's warehouse at the SQL API at <paramref name="baseUrl"/>, as a user would with <c>STRATA_WAREHOUSE_*</c>.</summary>
    public static void UseIn(IDictionary<string, string> environment, Uri baseUrl, string token)
    {
        ArgumentNullException.ThrowIfNull(environment);
        environment["STRATA_WAREHOUSE_ENGINE"] = "snowflake";
        environment["STRATA_WAREHOUSE_ACCOUNT"] = "xy12345";
        environment["STRATA_WAREHOUSE_BASE_URL"] = baseUrl?.ToString() ?? throw new ArgumentNullException(nameof(baseUrl));
        environment["STRATA_WAREHOUSE_DATABASE"] = "STRATA";
        environment["STRATA_WAREHOUSE_AUTHENTICATOR"] = "pat";
        environment["STRATA_WAREHOUSE_TOKEN"] = token;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private FakeAnswer Reply(FakeRequest request)
    {
        if (Answer(request) is { } scripted)
        {
            return scripted;
        }

        if (request.IsSubmit && request.Body!.Value.GetProperty("parameters").TryGetProperty("MULTI_STATEMENT_COUNT", out var count))
        {
            var parent = $"multi-{Interlocked.Increment(ref _next)}";
            var handles = Enumerable.Range(1, int.Parse(count.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).Select(i => $"{parent}-{i}").ToArray();
            foreach (var handle in handles)
            {
                _handles[handle] = parent;
            }

            return MultiStatement(parent, handles);
        }

        var id = request.Method == "GET" ? request.Path["/api/v2/statements/".Length..] : $"single-{Interlocked.Increment(ref _next)}";
        return ResultSet(id, [Column("status", "text")], []);
    }
}
