using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClosedXML.Excel;
using CsvHelper;
using Microsoft.Playwright;
using Strata.Testing;
using Strata.Tests.Source;
using Strata.Tests.Transform;
using Strata.Transform.Graph;
using Strata.Transform.Project;
using static Microsoft.Playwright.Assertions;

namespace Strata.Tests.Host;

/// <summary>
/// The dashboard of <c>strata up</c> as a person sees it, in headless Chromium: the overview's numbers filled by its
/// script, every report with its chart and downloads, and the runs, tests and models pages. With
/// <c>STRATA_SCREENSHOTS</c> naming a folder it also saves the screenshots the docs show.
/// </summary>
[Collection(HeavyTests.Name)]
[Trait(HeavyTests.Layer, HeavyTests.Name)]
public sealed class DashboardBrowserTests(ChromiumFixture chromium) : SharedServerTest("browser", initialize: true), IClassFixture<ChromiumFixture>
{
    private const string Token = "browser-token-1";

    /// <summary>The report whose page the docs show: its chart has a series per status.</summary>
    private const string ShownReport = "open_orders_by_delivery_date";

    private static readonly string[] Reports = ["open_items_by_product", "open_orders_by_delivery_date", "top_customers_pending", "top_delivery_dates"];

    private static readonly Regex Number = new(@"\d", RegexOptions.None, TimeSpan.FromSeconds(1));

    [Fact]
    public async Task The_dashboard_shows_live_numbers_reports_runs_and_models_in_a_browser()
    {
        TransformProjects.UseWarehouse(Project, Server, "duckdb", "browser");
        TransformProjects.UseFinanceProject(Project);
        Project.Environment["STRATA_DASHBOARD_PORT"] = "0";
        Project.Environment["STRATA_DASHBOARD_TOKEN"] = Token;
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "50", "--items-per-order", "3")).ExitCode);

        using var stop = new CancellationTokenSource();
        var up = Project.RunAsync(stop.Token, "up");
        CliResult stopped;
        try
        {
            var url = await WaitUntilTransformedAsync(up);
            // A short workload, so the slot lag, ingestion latency and freshness have values to show.
            var simulate = await Project.RunAsync("source", "simulate", "--speed", "200", "--duration", "5s");
            Assert.True(simulate.ExitCode == 0, simulate.ToString());
            await CheckPagesAsync(url);
        }
        finally
        {
            await stop.CancelAsync();
            stopped = await up;
        }

        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    private async Task CheckPagesAsync(string url)
    {
        await using var context = await chromium.Browser.NewContextAsync(new()
        {
            BaseURL = url,
            ViewportSize = new() { Width = 1280, Height = 900 },
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        await CheckTokenAsync(page);
        await CheckOverviewAsync(page);
        foreach (var report in Reports)
        {
            await CheckReportAsync(page, report);
            await CheckDownloadsAsync(page, report);
        }

        await CheckRunsAndTestsAsync(page);
        await CheckModelsAsync(page);
    }

    /// <summary>Polls <c>/api/overview</c> until the host has finished its first transformation run; returns the dashboard's address.</summary>
    private async Task<string> WaitUntilTransformedAsync(Task<CliResult> up)
    {
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (up.IsCompleted)
            {
                throw new InvalidOperationException($"strata up stopped before its first transformation run:\n{await up}");
            }

            if (ReadUrl() is { } url && await TransformationRunsAsync(client, url) >= 1)
            {
                return url;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("strata up finished no transformation run within 60 s (transformation_runs in /api/overview stayed 0)");
    }

    /// <summary>The dashboard's address from <c>.strata/host.json</c>, or null until the host has written it.</summary>
    private string? ReadUrl() => Strata.Host.HostFile.Read(Project.LoadConfig())?.Url;

    private static async Task<int> TransformationRunsAsync(HttpClient client, string url)
    {
        using var overview = JsonDocument.Parse(await client.GetStringAsync(new Uri(new Uri(url), "api/overview")));
        return overview.RootElement.GetProperty("transformation_runs").GetInt32();
    }

    /// <summary>Without the token the dashboard refuses; <c>?token=</c> opens it and sets the cookie the other pages then use.</summary>
    private static async Task CheckTokenAsync(IPage page)
    {
        var refused = await page.GotoAsync("/");
        Assert.Equal(401, refused?.Status);
        await Expect(page.Locator("body")).ToContainTextAsync("needs its token");

        var opened = await page.GotoAsync($"/?token={Token}");
        Assert.Equal(200, opened?.Status);
    }

    private static async Task CheckOverviewAsync(IPage page)
    {
        foreach (var id in new[] { "#lag-bytes", "#lag-seconds", "#freshness" })
        {
            await Expect(page.Locator(id)).ToHaveTextAsync(Number);
        }

        await Expect(page.Locator("#workers")).ToContainTextAsync("ingestion: healthy");
        await ScreenshotAsync(page, "dashboard-overview");
    }

    /// <summary>Follows the report's link on <c>/reports</c> to its page: a chart and a table with rows.</summary>
    private static async Task CheckReportAsync(IPage page, string report)
    {
        await page.GotoAsync("/reports");
        await page.Locator($"a[href='reports/{report}']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/reports/{report}$", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await Expect(page.Locator("svg").First).ToBeVisibleAsync();
        await Expect(page.Locator("table tbody tr").First).ToBeVisibleAsync();
        if (report == ShownReport)
        {
            await ScreenshotAsync(page, "dashboard-report");
        }
    }

    /// <summary>The CSV and XLSX links on <c>/reports</c> download files that CsvHelper and ClosedXML read back with rows.</summary>
    private async Task CheckDownloadsAsync(IPage page, string report)
    {
        await page.GotoAsync("/reports");
        using (var csv = CsvReader.FromFile(await DownloadAsync(page, $"reports/{report}.csv"), new CsvReaderOptions { HasHeader = true }, FileOptions.None))
        {
            Assert.NotEmpty(csv.Headers);
            Assert.True(csv.Read(), $"{report}.csv has a header but no rows");
        }

        using var workbook = new XLWorkbook(await DownloadAsync(page, $"reports/{report}.xlsx"));
        // Title, as-of line, a blank row and the header come first.
        Assert.False(workbook.Worksheet(1).Row(5).IsEmpty(), $"{report}.xlsx has no rows");
    }

    private async Task<string> DownloadAsync(IPage page, string href)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator($"a[href='{href}']").ClickAsync());
        Assert.Equal(Path.GetExtension(href), Path.GetExtension(download.SuggestedFilename));
        var file = Path.Combine(Project.Directory, "downloads", download.SuggestedFilename);
        await download.SaveAsAsync(file);
        return file;
    }

    private static async Task CheckRunsAndTestsAsync(IPage page)
    {
        await page.GotoAsync("/runs");
        await Expect(page.Locator("#runs td:text-is('transformation')").First).ToBeVisibleAsync();

        await page.GotoAsync("/tests");
        // The header row appears only once there are results.
        await Expect(page.Locator("#tests th:text-is('test')")).ToBeVisibleAsync();
    }

    /// <summary><c>/models</c> draws one node per model and per source a model reads.</summary>
    private static async Task CheckModelsAsync(IPage page)
    {
        var graph = new ProjectGraph(await ProjectLoader.LoadAsync(Path.Combine(TransformProjects.RepositoryRoot, "analytics"), "duckdb"));
        var expected = graph.Order.Select(m => m.Name)
            .Concat(graph.Order.SelectMany(m => m.SourceRefs).Select(s => "source:" + s))
            .Distinct()
            .Order(StringComparer.Ordinal);

        await page.GotoAsync("/models");
        var nodes = await page.Locator("svg.graph g.node").EvaluateAllAsync<string[]>("nodes => nodes.map(n => n.dataset.model)");
        Assert.Equal(expected, nodes.Order(StringComparer.Ordinal));
        await ScreenshotAsync(page, "dashboard-models");
    }

    /// <summary>Saves a full-page screenshot when <c>STRATA_SCREENSHOTS</c> names a folder (to regenerate the docs' pictures).</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("STRATA_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }
}
