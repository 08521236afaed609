using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Strata.Testing;
using static Microsoft.Playwright.Assertions;

namespace Strata.Tests.Host;

/// <summary>
/// What the dashboard shows when something goes wrong, driven for real while the overview is open in Chromium: a
/// failing test holding gold back, and a lost replication slot. Each also checks that <c>/readyz</c> and
/// <c>strata status --json</c> say the same, and that the page recovers with the fix.
/// </summary>
[Collection(HeavyTests.Name)]
[Trait(HeavyTests.Layer, HeavyTests.Name)]
public sealed class DashboardFailureBrowserTests(ChromiumFixture chromium) : DashboardBrowserTest(chromium, "browserfail"), IClassFixture<ChromiumFixture>
{
    private static readonly Regex Bad = new(@"\bbad\b", RegexOptions.None, TimeSpan.FromSeconds(1));
    private static readonly Regex Ok = new(@"\bok\b", RegexOptions.None, TimeSpan.FromSeconds(1));

    [Fact]
    public async Task A_failing_test_holding_gold_back_turns_the_overview_red_names_the_test_and_the_age_grows()
    {
        Project.Environment["STRATA_FRESHNESS_WARN_AFTER"] = "2s";
        Project.Environment["STRATA_FRESHNESS_ERROR_AFTER"] = "4s";
        await WithHostAsync("dashstale", orders: 20, async host =>
        {
            var (context, page) = await OpenAsync(host.Url);
            await using (context)
            {
                await Expect(page.Locator("#freshness")).ToHaveClassAsync(Ok);

                // A status the silver tests reject: every gold relation is skipped from now on.
                await Server.ExecuteAsync("UPDATE operations.orders SET status = 'BOGUS' WHERE order_id = 1", Project.Database);
                var banner = page.Locator("#problems");
                await Expect(banner).ToContainTextAsync("accepted_values_orders_status", new() { Timeout = 60_000 });
                await Expect(banner).ToContainTextAsync("past freshness.error_after", new() { Timeout = 30_000 });
                await Expect(banner).ToHaveClassAsync(Bad);
                await Expect(page.Locator("#freshness")).ToHaveClassAsync(Bad);
                await Expect(page.Locator("#gold-status .status")).ToHaveTextAsync("error");

                // The headline keeps counting while gold stays behind.
                var first = await SecondsAsync(page);
                await Eventually.TrueAsync(async () => await SecondsAsync(page) >= first + 2, TimeSpan.FromSeconds(30), $"the age of gold on the page to grow past {first + 2:0.0} s");
                await ScreenshotAsync(page, "dashboard-gold-held-back");

                var (status, ready) = await ReadyAsync(host.Client);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.False(ready.GetProperty("ready").GetBoolean());
                Assert.Contains(Problems(ready), p => p.Contains("past freshness.error_after", StringComparison.Ordinal) && p.Contains("accepted_values_orders_status", StringComparison.Ordinal));
                var overview = await StatusJsonAsync();
                Assert.Equal("error", overview.GetProperty("gold_status").GetString());
                Assert.Contains(overview.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("accepted_values_orders_status", StringComparison.Ordinal));

                // The tests page puts it first, failing since the run that found it.
                await page.GotoAsync(WithToken("/tests"));
                var row = page.Locator("#tests-table tbody tr").First;
                await Expect(row).ToContainTextAsync("accepted_values_orders_status");
                await Expect(row).ToContainTextAsync(new Regex(@"failing since \d\d:\d\d:\d\d, \d+ runs?", RegexOptions.None, TimeSpan.FromSeconds(1)));

                // Fixed at the source: the overview is green again and the test is gone from the banner.
                await Server.ExecuteAsync("UPDATE operations.orders SET status = 'PENDING' WHERE order_id = 1", Project.Database);
                await page.GotoAsync(WithToken("/"));
                await Expect(page.Locator("#freshness")).ToHaveClassAsync(Ok, new() { Timeout = 60_000 });
                await Expect(banner).Not.ToContainTextAsync("accepted_values_orders_status");
            }
        });
    }

    [Fact]
    public async Task A_lost_slot_shows_ingestion_failed_with_the_resync_advice_and_recovers_after_the_resync()
    {
        // The pipeline is dashlost_duckdb (WithHostAsync names it after the warehouse): slot strata_dashlost_duckdb.
        await WithHostAsync("dashlost", orders: 20, async host =>
        {
            var (context, page) = await OpenAsync(host.Url);
            await using (context)
            {
                await ExpectWorkerAsync(page, "ingestion", "healthy");
                await Server.DropSlotAsync("strata_dashlost_duckdb");

                await ExpectWorkerAsync(page, "ingestion", "failed");
                await Expect(page.Locator("#workers li[data-worker='ingestion'] .detail")).ToContainTextAsync("strata ingest --resync");
                var banner = page.Locator("#problems");
                await Expect(banner).ToContainTextAsync("ingestion failed");
                await Expect(banner).ToContainTextAsync("--resync");
                await Expect(banner).ToHaveClassAsync(Bad);
                await Expect(page.Locator("#freshness")).ToHaveClassAsync(Bad);
                await ScreenshotAsync(page, "dashboard-slot-lost");

                var (status, ready) = await ReadyAsync(host.Client);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.Contains(Problems(ready), p => p.StartsWith("ingestion failed", StringComparison.Ordinal) && p.Contains("--resync", StringComparison.Ordinal));
                var overview = await StatusJsonAsync();
                Assert.Equal("failed", overview.GetProperty("workers").GetProperty("ingestion").GetProperty("state").GetString());
                Assert.Equal("error", overview.GetProperty("gold_status").GetString());

                // The advised fix, while up runs: the page shows ingestion streaming again.
                var resync = await Project.RunAsync("ingest", "--resync", "--json");
                Assert.True(resync.ExitCode == 0, resync.ToString());
                await ExpectWorkerAsync(page, "ingestion", "healthy");
                await Expect(banner).Not.ToContainTextAsync("ingestion failed", new() { Timeout = 60_000 });
            }
        });
    }

    /// <summary>The age of gold the overview's headline shows, in seconds.</summary>
    private static async Task<double> SecondsAsync(IPage page) =>
        double.Parse(await page.Locator("#freshness").GetAttributeAsync("data-seconds") ?? "0", CultureInfo.InvariantCulture);
}
