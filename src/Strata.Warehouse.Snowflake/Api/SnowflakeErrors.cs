using System.Net;
using System.Text.Json;

namespace Strata.Warehouse.Snowflake.Api;

/// <summary>
/// Turns an answer that is not a result into a <see cref="WarehouseException"/> of the right kind, as the SQL API
/// reference's response codes and "Getting details about an error" describe: the failure body carries Snowflake's
/// <c>code</c>, <c>sqlState</c> and <c>message</c>. Messages name the endpoint, never a credential.
/// </summary>
internal static class SnowflakeErrors
{
    /// <summary>Whether a retry may succeed: throttling (429) and server-side failures (5xx), never 408 or 422.</summary>
    public static bool IsRetryable(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The exception for <paramref name="status"/> with <paramref name="body"/> (possibly empty or not JSON).</summary>
    public static WarehouseException FromResponse(HttpStatusCode status, string body, string endpoint, TimeSpan? timeout)
    {
        var (code, sqlState, message) = Details(body);
        var said = message is null ? "" : $": {message}";
        var codes = code is null && sqlState is null ? "" : $" (code {code ?? "-"}, SQLSTATE {sqlState ?? "-"})";
        return (int)status switch
        {
            408 => new WarehouseException(
                $"Snowflake stopped the statement at its timeout{(timeout is { } t ? $" of {t.TotalSeconds:0} s" : "")}{codes}; raise warehouse.statement_timeout, or make the statement cheaper",
                kind: WarehouseErrorKind.Rejected, sqlState: sqlState),
            422 => new WarehouseException($"Snowflake refused the statement{said}{codes}", kind: KindOf(sqlState), sqlState: sqlState),
            401 or 403 => new WarehouseException(
                $"Snowflake at {endpoint} refused the credentials (HTTP {(int)status}); check warehouse.account, warehouse.user, warehouse.role and the key or token registered for that user (docs/snowflake.md)",
                kind: WarehouseErrorKind.Permission, sqlState: sqlState),
            429 => new WarehouseException($"Snowflake at {endpoint} is throttling requests (HTTP 429){said}", kind: WarehouseErrorKind.Transient, sqlState: sqlState),
            >= 500 => new WarehouseException($"Snowflake at {endpoint} failed to answer (HTTP {(int)status}){said}; it may be restarting, try again", kind: WarehouseErrorKind.Transient, sqlState: sqlState),
            _ => new WarehouseException($"Snowflake at {endpoint} answered HTTP {(int)status}{said}{codes}", kind: WarehouseErrorKind.Rejected, sqlState: sqlState),
        };
    }

    /// <summary>The request never got an answer (refused, reset, timed out): the network or the address is wrong.</summary>
    public static WarehouseException Unreachable(string endpoint, Exception cause) => new(
        $"cannot reach Snowflake at {endpoint} ({Reason(cause)}); check warehouse.account (or warehouse.base_url) and that this machine can open HTTPS connections to it",
        cause, WarehouseErrorKind.Unreachable);

    // A transaction conflict is worth retrying as a whole; Snowflake's SQLSTATE for it is 40001.
    // 40001: a transaction conflict; 42501: insufficient privileges (Snowflake's error 003001), as in SQL's standard classes.
    private static WarehouseErrorKind KindOf(string? sqlState) => sqlState switch
    {
        "40001" => WarehouseErrorKind.Conflict,
        "42501" => WarehouseErrorKind.Permission,
        _ => WarehouseErrorKind.Rejected,
    };

    private static string Reason(Exception cause) => cause switch
    {
        HttpRequestException { HttpRequestError: var error } when error != HttpRequestError.Unknown => error.ToString(),
        OperationCanceledException => "no answer in time",
        _ => cause.GetType().Name,
    };

    private static (string? Code, string? SqlState, string? Message) Details(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object ? (Text(root, "code"), Text(root, "sqlState"), Text(root, "message")) : (null, null, null);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }

        static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
