using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Strata.Errors;

namespace Strata.Host.Web;

/// <summary>
/// On loopback the dashboard needs no login. Bound to any other address it refuses to start without a token, and
/// then every page and API call must carry it (<c>Authorization: Bearer …</c>, or <c>?token=</c>, which starts a
/// session: the cookie holds a random session id, never the token). Whatever the address: on loopback only loopback
/// <c>Host</c> names are answered (a DNS-rebinding page cannot reach it), and a state-changing request from a
/// browser must come from the dashboard's own origin.
/// </summary>
internal sealed class DashboardSecurity(string host, string? token)
{
    private const string Cookie = "strata_session";
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]", "::1"];
    private readonly ConcurrentDictionary<string, byte> _sessions = new(StringComparer.Ordinal);

    public static void Check(string host, string? token)
    {
        if (!IsLoopback(host) && string.IsNullOrEmpty(token))
        {
            throw new ConfigurationException(
                $"the dashboard would listen on {host}, beyond this machine, without a token; set the dashboard.token secret (STRATA_DASHBOARD_TOKEN) or keep dashboard.host at 127.0.0.1");
        }
    }

    public static bool IsLoopback(string host) =>
        host is "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    public async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (IsLoopback(host) && !LoopbackNames.Contains(context.Request.Host.Host, StringComparer.OrdinalIgnoreCase))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest,
                $"this dashboard answers to 127.0.0.1 and localhost only, not Host '{context.Request.Host.Host}'");
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !IsSameOrigin(context.Request))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "a state-changing request must come from the dashboard's own page or from the CLI");
            return;
        }

        if (string.IsNullOrEmpty(token))
        {
            await next(context);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        var query = context.Request.Query["token"].ToString();
        var inSession = context.Request.Cookies[Cookie] is { } session && _sessions.ContainsKey(session);
        var queryToken = query.Length > 0 && Matches(query);
        if (!inSession && !queryToken && !(header.StartsWith("Bearer ", StringComparison.Ordinal) && Matches(header[7..])))
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "This Strata dashboard needs its token: open it with ?token=… or send Authorization: Bearer ….");
            return;
        }

        // A session starts only from the right token in the address, and only once.
        if (queryToken && !inSession)
        {
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            _sessions[id] = 0;
            context.Response.Cookies.Append(Cookie, id, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
        }

        await next(context);
    }

    private bool Matches(string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token!));

    /// <summary>
    /// A browser names the page a request comes from (<c>Origin</c>, <c>Sec-Fetch-Site</c>); the CLI sends neither.
    /// A request that names another origin is refused.
    /// </summary>
    private static bool IsSameOrigin(HttpRequest request)
    {
        if (request.Headers.Origin.ToString() is { Length: > 0 } origin)
        {
            return Uri.TryCreate(origin, UriKind.Absolute, out var uri) &&
                string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
        }

        return request.Headers["Sec-Fetch-Site"].ToString() is "" or "same-origin" or "none";
    }

    private static async Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message);
    }
}
