using System.Net;
using System.Net.Http.Headers;
using Polly;
using Strata.Errors;
using Strata.Warehouse.Snowflake.Auth;

namespace Strata.Warehouse.Snowflake.Api;

/// <summary>When a request says <c>retry=true</c>: Snowflake then recognises its <c>requestId</c> and does not run the statement twice.</summary>
internal enum Resubmission
{
    /// <summary>Never (status checks, cancels, partitions: they change nothing).</summary>
    Never,

    /// <summary>On every attempt after the first (a submission).</summary>
    OnRetry,

    /// <summary>On every attempt (a submission sent again on purpose).</summary>
    Always,
}

/// <summary>
/// One logical request to the SQL API, sent until it gets an answer that is not worth retrying. Every attempt carries
/// the same <c>requestId</c> (the reference's "Resubmitting a request to execute SQL statements"), the headers of
/// "Request headers for all operations", and a token fresh from the authenticator. 429, 5xx and a lost connection
/// are retried with Strata's one retry policy (exponential backoff with jitter, bounded); 408 and 422 never are.
/// </summary>
internal sealed class SnowflakeHttp
{
    private readonly HttpClient _http;
    private readonly SnowflakeAuthenticator _auth;
    private readonly SnowflakeClientOptions _options;
    private readonly ResiliencePipeline<(HttpStatusCode, string)> _retries;

    public SnowflakeHttp(HttpClient http, SnowflakeAuthenticator auth, SnowflakeClientOptions options, TimeProvider clock)
    {
        _http = http;
        _auth = auth;
        _options = options;
        _retries = RetryPolicy.Create<(HttpStatusCode, string)>(
            clock, options.MaxRetries, options.FirstRetryDelay, isTransient: e => e is WarehouseException { Kind: WarehouseErrorKind.Transient or WarehouseErrorKind.Unreachable }, maxDelay: options.MaxRetryDelay);
    }

    /// <summary>Sends until answered; returns 200 and 202 answers, throws a <see cref="WarehouseException"/> for the rest.</summary>
    public async Task<(HttpStatusCode Status, string Body)> SendAsync(
        HttpMethod method, string path, string requestId, Resubmission resubmission, byte[]? body, CancellationToken cancellationToken, string? extraQuery = null)
    {
        var attempt = 0;
        return await _retries.ExecuteAsync(
            async token =>
            {
                attempt++;
                var retry = resubmission == Resubmission.Always || (resubmission == Resubmission.OnRetry && attempt > 1);
                return await AttemptAsync(method, Url(path, requestId, retry, extraQuery), body, token);
            },
            cancellationToken);
    }

    private async Task<(HttpStatusCode, string)> AttemptAsync(HttpMethod method, Uri url, byte[]? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _auth.Token());
        request.Headers.Add("X-Snowflake-Authorization-Token-Type", _auth.TokenType);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.ParseAdd(_options.UserAgent);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        HttpStatusCode status;
        string text;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            status = response.StatusCode;
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Lost on the way (or timed out): the statement may have run; the retry's requestId lets Snowflake tell.
            throw SnowflakeErrors.Unreachable(_options.Endpoint, ex);
        }

        return status is HttpStatusCode.OK or HttpStatusCode.Accepted
            ? (status, text)
            : throw SnowflakeErrors.FromResponse(status, text, _options.Endpoint, _options.StatementTimeout);
    }

    private Uri Url(string path, string requestId, bool retry, string? extraQuery)
    {
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var query = $"{separator}requestId={requestId}{(retry ? "&retry=true" : "")}{(extraQuery is null ? "" : "&" + extraQuery)}";
        return new Uri(_options.BaseUrl, path + query);
    }
}
