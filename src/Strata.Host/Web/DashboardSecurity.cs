using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Strata.Errors;

namespace Strata.Host.Web;

/// <summary>
/// On loopback the dashboard needs no login. Bound to any other address it refuses to start without a token, and
/// then every page and API call must carry it (<c>Authorization: Bearer …</c>, or <c>?token=</c> which also sets a cookie).
/// </summary>
internal static class DashboardSecurity
{
    private const string Cookie = "strata_token";

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

    public static async Task RequireTokenAsync(HttpContext context, string? token, RequestDelegate next)
    {
        if (string.IsNullOrEmpty(token))
        {
            await next(context);
            return;
        }

        var given = context.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal)
            ? header[7..]
            : context.Request.Query["token"].ToString() is { Length: > 0 } query ? query : context.Request.Cookies[Cookie];
        if (given is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token)))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("This Strata dashboard needs its token: open it with ?token=… or send Authorization: Bearer ….");
            return;
        }

        if (context.Request.Query.ContainsKey("token"))
        {
            context.Response.Cookies.Append(Cookie, given, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict });
        }

        await next(context);
    }
}
