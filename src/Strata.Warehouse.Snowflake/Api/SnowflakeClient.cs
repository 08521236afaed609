using System.Globalization;
using System.Net;
using System.Text.Json;
using Strata.Warehouse.Snowflake.Auth;

namespace Strata.Warehouse.Snowflake.Api;

/// <summary>
/// Runs statements through Snowflake's SQL API v2 ("Submitting a request", "Handling responses", "Submitting
/// multiple SQL statements in a single request", "Canceling the execution of a SQL statement"): submits, waits for a
/// statement still running (202) by polling its handle with a bounded exponential backoff, reads every result
/// partition, types the values, and cancels the statement in Snowflake when the caller gives up. Safe to call from
/// several tasks at once.
/// </summary>
public sealed class SnowflakeClient : IDisposable
{
    private const string Statements = "/api/v2/statements";

    private readonly HttpClient _http;
    private readonly SnowflakeHttp _send;
    private readonly SnowflakeClientOptions _options;
    private readonly TimeProvider _clock;

    /// <summary>A client for an account's SQL API.</summary>
    /// <param name="options">Where it is and the session statements run in.</param>
    /// <param name="authenticator">The credentials every request carries.</param>
    /// <param name="clock">Times the waits between status checks and retries.</param>
    /// <param name="handler">The HTTP handler (owned); a pooled <see cref="SocketsHttpHandler"/> unless given.</param>
    public SnowflakeClient(SnowflakeClientOptions options, SnowflakeAuthenticator authenticator, TimeProvider? clock = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(authenticator);
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        })
        {
            Timeout = options.RequestTimeout,
        };
        _send = new SnowflakeHttp(_http, authenticator, options, _clock);
    }

    /// <summary><c>host:port</c> of the API, for messages.</summary>
    public string Endpoint => _options.Endpoint;

    /// <summary>Runs one statement, its <c>?</c> markers bound to <paramref name="bindings"/>.</summary>
    public async Task<SnowflakeResult> ExecuteAsync(string sql, string job, IReadOnlyList<SnowflakeBinding>? bindings = null, CancellationToken cancellationToken = default) =>
        (await RunAsync(new SnowflakeStatement(sql, job, bindings), cancellationToken))[0];

    /// <summary>
    /// Runs <paramref name="statements"/> in one request (<c>MULTI_STATEMENT_COUNT</c>), in order, and returns each
    /// one's result. Bind variables are not allowed there: the statements carry literals. Wrapped in <c>BEGIN</c> …
    /// <c>COMMIT</c> they are one transaction that commits only when the request succeeds.
    /// </summary>
    public Task<IReadOnlyList<SnowflakeResult>> ExecuteManyAsync(IReadOnlyList<string> statements, string job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statements);
        if (statements.Count == 0)
        {
            throw new ArgumentException("no statements", nameof(statements));
        }

        return RunAsync(new SnowflakeStatement(string.Join(";\n", statements), job, StatementCount: statements.Count), cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<IReadOnlyList<SnowflakeResult>> RunAsync(SnowflakeStatement statement, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid().ToString();
        var body = SnowflakeRequestBody.Write(statement, _options);
        (HttpStatusCode Status, string Body) answer;
        try
        {
            answer = await _send.SendAsync(HttpMethod.Post, Statements, requestId, Resubmission.OnRetry, body, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CancelSubmittedAsync(requestId, body);
            throw;
        }

        var response = await CompleteAsync(answer, cancellationToken);
        if (response.StatementHandles.Count == 0)
        {
            return [await CollectAsync(response, cancellationToken)];
        }

        var results = new List<SnowflakeResult>(response.StatementHandles.Count);
        foreach (var handle in response.StatementHandles)
        {
            var each = await CompleteAsync(await StatusAsync(handle, cancellationToken), cancellationToken);
            results.Add(await CollectAsync(each, cancellationToken));
        }

        return results;
    }

    /// <summary>Waits while the answer is 202 (still running), checking the handle with a growing, bounded delay.</summary>
    private async Task<SnowflakeResponse> CompleteAsync((HttpStatusCode Status, string Body) answer, CancellationToken cancellationToken)
    {
        var delay = _options.FirstPollDelay;
        while (answer.Status == HttpStatusCode.Accepted)
        {
            var handle = Parse(answer.Body).Handle;
            try
            {
                await Task.Delay(delay, _clock, cancellationToken);
                answer = await StatusAsync(handle, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await CancelAsync(handle);
                throw;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxPollDelay.Ticks));
        }

        return Parse(answer.Body);
    }

    private Task<(HttpStatusCode Status, string Body)> StatusAsync(string handle, CancellationToken cancellationToken) =>
        _send.SendAsync(HttpMethod.Get, $"{Statements}/{Uri.EscapeDataString(handle)}", Guid.NewGuid().ToString(), Resubmission.Never, null, cancellationToken);

    /// <summary>Partition 0 came with the answer; the others are fetched with <c>?partition=N</c>, in order.</summary>
    private async Task<SnowflakeResult> CollectAsync(SnowflakeResponse response, CancellationToken cancellationToken)
    {
        var rows = new List<object?[]>(response.Data.Count);
        Decode(response.Data, response, rows);
        for (var partition = 1; partition < response.Partitions; partition++)
        {
            var path = $"{Statements}/{Uri.EscapeDataString(response.Handle)}?partition={partition.ToString(CultureInfo.InvariantCulture)}";
            var (_, body) = await _send.SendAsync(HttpMethod.Get, path, Guid.NewGuid().ToString(), Resubmission.Never, null, cancellationToken);
            Decode(SnowflakeResponse.Rows(body), response, rows);
        }

        return new SnowflakeResult(response.Handle, response.Columns, rows, response.RowsAffected);
    }

    private void Decode(List<string?[]> cells, SnowflakeResponse response, List<object?[]> into)
    {
        foreach (var row in cells)
        {
            var values = new object?[row.Length];
            for (var i = 0; i < row.Length; i++)
            {
                try
                {
                    values[i] = i < response.Columns.Count ? SnowflakeValues.Decode(row[i], response.Columns[i]) : row[i];
                }
                catch (Exception ex) when (ex is FormatException or OverflowException)
                {
                    throw new WarehouseException(
                        $"Snowflake at {Endpoint} returned a value of column {response.Columns[i].Name} ({response.Columns[i].Type}) that Strata cannot read: {ex.Message}", ex);
                }
            }

            into.Add(values);
        }
    }

    /// <summary>
    /// The caller gave up while the submission was in flight, so its handle is unknown. Sending the same
    /// <c>requestId</c> again with <c>retry=true&amp;async=true</c> runs nothing new and answers with the statement's
    /// handle, which is then cancelled. Best effort, bounded by <see cref="SnowflakeClientOptions.CancelTimeout"/>.
    /// </summary>
    private async Task CancelSubmittedAsync(string requestId, byte[] body)
    {
        using var limit = new CancellationTokenSource(_options.CancelTimeout, _clock);
        try
        {
            var (status, text) = await _send.SendAsync(HttpMethod.Post, Statements, requestId, Resubmission.Always, body, limit.Token, "async=true");
            if (status == HttpStatusCode.Accepted)
            {
                await CancelAsync(Parse(text).Handle);
            }
        }
        catch (Exception ex) when (ex is WarehouseException or OperationCanceledException or JsonException)
        {
            // Nothing more to do: the statement ends at its own timeout.
        }
    }

    /// <summary><c>POST /api/v2/statements/{handle}/cancel</c>, best effort and bounded: the caller is already leaving.</summary>
    private async Task CancelAsync(string handle)
    {
        using var limit = new CancellationTokenSource(_options.CancelTimeout, _clock);
        try
        {
            await _send.SendAsync(HttpMethod.Post, $"{Statements}/{Uri.EscapeDataString(handle)}/cancel", Guid.NewGuid().ToString(), Resubmission.Never, null, limit.Token);
        }
        catch (Exception ex) when (ex is WarehouseException or OperationCanceledException)
        {
            // The statement ends at its own timeout.
        }
    }

    private SnowflakeResponse Parse(string body)
    {
        try
        {
            return SnowflakeResponse.Parse(body);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new WarehouseException($"Snowflake at {Endpoint} answered with a body that is not the SQL API's documented shape ({ex.Message})", ex);
        }
    }
}
