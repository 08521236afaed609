using System.Net;
using Strata.Testing;
using static Microsoft.Playwright.Assertions;

namespace Strata.Tests.Host;

/// <summary>
/// The source server stops and starts again while the overview is open: the source monitor and ingestion turn
/// degraded with the reason, the banner, <c>/readyz</c> and <c>strata status</c> say so, and all is healthy again
/// once the server is back. Its own server, so stopping it disturbs no other test.
/// </summary>
[Collection(HeavyTests.Name)]
[Trait(HeavyTests.Layer, HeavyTests.Name)]
public sealed class DashboardSourceOutageBrowserTests(ChromiumFixture chromium)
    : DashboardBrowserTest(chromium, "browserout", server: "browser-outage"), IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task A_source_that_stops_shows_degraded_workers_and_healthy_ones_again_when_it_is_back()
    {
        await WithHostAsync("outage", orders: 20, async host =>
        {
            var (context, page) = await OpenAsync(host.Url);
            await using (context)
            {
                await ExpectWorkerAsync(page, "ingestion", "healthy");
                await ExpectWorkerAsync(page, "source", "healthy");

                await Server.Cluster.StopAsync();
                try
                {
                    // The source monitor meets the closed server within its 2 s interval; ingestion retries the
                    // connection and says so.
                    await ExpectWorkerAsync(page, "source", "degraded");
                    await ExpectWorkerAsync(page, "ingestion", "degraded");
                    await Expect(page.Locator("#workers li[data-worker='source'] .detail")).ToContainTextAsync("unreachable");
                    var banner = page.Locator("#problems");
                    await Expect(banner).ToContainTextAsync("source degraded: unreachable");
                    await Expect(banner).ToBeVisibleAsync();
                    await ScreenshotAsync(page, "dashboard-source-down");

                    var (status, ready) = await ReadyAsync(host.Client);
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                    Assert.False(ready.GetProperty("ready").GetBoolean());
                    Assert.Contains(Problems(ready), p => p.StartsWith("source degraded: unreachable", StringComparison.Ordinal));
                    Assert.Contains(Problems(ready), p => p.StartsWith("ingestion degraded", StringComparison.Ordinal));
                    var overview = await StatusJsonAsync();
                    Assert.Equal("degraded", overview.GetProperty("workers").GetProperty("source").GetProperty("state").GetString());
                    Assert.Equal("degraded", overview.GetProperty("workers").GetProperty("ingestion").GetProperty("state").GetString());
                    Assert.Contains(overview.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith("source degraded", StringComparison.Ordinal));
                }
                finally
                {
                    await Server.Cluster.StartAsync();
                }

                await ExpectWorkerAsync(page, "source", "healthy");
                await Expect(page.Locator("#problems")).Not.ToContainTextAsync("source degraded");
                // Ingestion follows the source again: a change made now reaches bronze.
                await Server.ExecuteAsync("INSERT INTO operations.customers (customer_name) VALUES ('after the outage')", Project.Database);
                await Server.WaitForSlotToConfirmAsync("strata_outage_duckdb", TimeSpan.FromSeconds(60), "the insert after the outage");
                await ExpectWorkerAsync(page, "ingestion", "healthy");
                await Eventually.TrueAsync(async () => (await ReadyAsync(host.Client)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "/readyz to say ready again");
                var recovered = await StatusJsonAsync();
                Assert.Equal("healthy", recovered.GetProperty("workers").GetProperty("source").GetProperty("state").GetString());
            }
        });
    }
}
