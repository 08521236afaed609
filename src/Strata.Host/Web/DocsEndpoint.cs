using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Strata.Transform;
using Strata.Warehouse;

namespace Strata.Host.Web;

/// <summary>
/// <c>/docs</c>: the page <c>strata docs</c> writes, served behind the dashboard's security like every other page.
/// It is generated on request and kept until the next transformation run: the columns' types and the last results
/// change only when a run builds, so between runs a visit costs nothing, and a host that nobody asks for docs never
/// compiles the project for them.
/// </summary>
internal sealed class DocsEndpoint(RetryingLazy<TransformService> transform, PlatformState state, ISqlParser parser)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (int Runs, string Html)? _page;

    public static void Map(WebApplication app, RetryingLazy<TransformService> transform, PlatformState state, ISqlParser parser)
    {
        var endpoint = new DocsEndpoint(transform, state, parser);
        app.MapRead("/docs", async (CancellationToken token) =>
        {
            try
            {
                return Results.Text(await endpoint.PageAsync(token), "text/html; charset=utf-8");
            }
            catch (Errors.StrataException ex)
            {
                // A project that does not load (or a warehouse that is away) is said in its one line, not as a bare 500.
                return Dashboard.Problem(StatusCodes.Status503ServiceUnavailable, $"the docs cannot be generated: {ex.Message}");
            }
        });
    }

    private async Task<string> PageAsync(CancellationToken cancellationToken)
    {
        var runs = state.Runs;
        if (_page is { } page && page.Runs == runs)
        {
            return page.Html;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_page is not { } cached || cached.Runs != runs)
            {
                var site = await (await transform.Value).DocsAsync(parser, cancellationToken);
                _page = (runs, site.DashboardHtml);
            }

            return _page.Value.Html;
        }
        finally
        {
            _gate.Release();
        }
    }
}
