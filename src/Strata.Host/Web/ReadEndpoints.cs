using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Strata.Host.Web;

/// <summary>
/// The dashboard's read endpoints answer HEAD as well as GET: uptime checkers and <c>curl -I</c> probe with HEAD, and
/// a 405 from <c>/healthz</c> reads as "down". Kestrel sends a HEAD response's headers without its body.
/// </summary>
internal static class ReadEndpoints
{
    private static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>Maps <paramref name="handler"/> to GET and HEAD requests for <paramref name="pattern"/>.</summary>
    public static RouteHandlerBuilder MapRead(this IEndpointRouteBuilder app, string pattern, Delegate handler) => app.MapMethods(pattern, Methods, handler);
}
