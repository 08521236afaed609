using System.Text.RegularExpressions;
using ClosedXML.Excel;
using CsvHelper;
using Microsoft.Playwright;
using Strata.Tests.Transform;
using Strata.Transform.Graph;
using Strata.Transform.Project;
using static Microsoft.Playwright.Assertions;

namespace Strata.Tests.Host;

/// <summary>
/// The dashboard of <c>strata up</c> as a person sees it, in headless Chromium: the overview's numbers and chart
/// filled by its script, every report with its chart, parameters and downloads, the runs, tests, models and model
/// pages, the layout at 420 px, and the disconnected state once the host is gone. With <c>STRATA_SCREENSHOTS</c>
/// naming a folder it also saves the screenshots the docs show, at 1400 and 420 px, light and dark.
/// </summary>
[Collection(HeavyTests.Name)]
[Trait(HeavyTests.Layer, HeavyTests.Name)]
public sealed class DashboardBrowserTests(ChromiumFixture chromium) : DashboardBrowserTest(chromium, "browser"), IClassFixture<ChromiumFixture>
{
    /// <summary>The report with a parameter of allowed values and a chart with a series per status.</summary>
    private const string ShownReport = "open_orders_by_delivery_date";

    private static readonly string[] Reports = ["open_items_by_product", "open_orders_by_delivery_date", "top_customers_pending", "top_delivery_dates"];

    /// <summary>The pages the screenshots and the narrow layout check cover, by the name their picture gets.</summary>
    private static readonly (string Name, string Path, string Ready)[] Pages =
    [
        ("overview", "/", "#gold-chart .uplot"),
        ("report", $"/reports/{ShownReport}", "#chart .uplot"),
        ("reports", "/reports", "#report-list"),
        ("runs", "/runs", "#runs .bar"),
        ("tests", "/tests", "#tests-table"),
        ("models", "/models", "svg.graph"),
        ("model", "/models/fct_orders", "#sql:not(:empty)"),
    ];

    private static readonly Regex Number = new(@"\d", RegexOptions.None, TimeSpan.FromSeconds(1));

    [Fact]
    public async Task The_dashboard_shows_live_numbers_reports_runs_and_models_and_says_when_the_host_is_gone()
    {
        await WithHostAsync("browser", orders: 50, async host =>
        {
            // A short workload, so the slot lag, ingestion latency and the age of gold have values to show.
            var simulate = await Project.RunAsync("source", "simulate", "--speed", "200", "--duration", "5s");
            Assert.True(simulate.ExitCode == 0, simulate.ToString());
            await CheckTokenAsync(host.Url);

            var (context, page) = await OpenAsync(host.Url);
            await using (context)
            {
                await CheckOverviewAsync(page);
                foreach (var report in Reports)
                {
                    await CheckReportAsync(page, report);
                }

                await CheckParametersAsync(page);
                await CheckRunsAndTestsAsync(page);
                await CheckModelsAsync(page);
                await CheckLayoutsAsync(host.Url);
                await CheckHostGoneAsync(page, host);
            }
        });
    }

    /// <summary>Without the token the dashboard refuses; <c>?token=</c> opens it.</summary>
    private async Task CheckTokenAsync(string url)
    {
        await using var context = await Browser.NewContextAsync(new() { BaseURL = url });
        var page = await context.NewPageAsync();
        var refused = await page.GotoAsync("/");
        Assert.Equal(401, refused?.Status);
        await Expect(page.Locator("body")).ToContainTextAsync("needs its token");
        Assert.Equal(200, (await page.GotoAsync(WithToken("/")))?.Status);
    }

    private static async Task CheckOverviewAsync(IPage page)
    {
        foreach (var id in new[] { "#lag-bytes", "#lag-seconds", "#freshness", "#runs" })
        {
            await Expect(page.Locator(id)).ToHaveTextAsync(Number);
        }

        await Expect(page.Locator("#freshness")).ToHaveClassAsync(new Regex(@"\bok\b", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await ExpectWorkerAsync(page, "ingestion", "healthy");
        await Expect(page.Locator("#gold-chart .uplot canvas")).ToBeVisibleAsync();
        // Relative times carry the absolute time and the zone in their tooltip.
        var since = page.Locator("#workers li[data-worker='ingestion'] time");
        await Expect(since).ToHaveTextAsync(new Regex(" ago$|just now", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await Expect(since).ToHaveAttributeAsync("title", new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+0[12]:00 \(Europe/Berlin\)$", RegexOptions.None, TimeSpan.FromSeconds(1)));
        // Every page's link carries the token the dashboard was opened with.
        await Expect(page.Locator($"header nav a[href$='token={Token}']")).ToHaveCountAsync(6);
        await Expect(page.Locator("#problems")).ToBeHiddenAsync();
    }

    /// <summary>Follows the report's link on <c>/reports</c> to its page: the as-of line, a chart, a table with rows, and the downloads.</summary>
    private async Task CheckReportAsync(IPage page, string report)
    {
        await page.GotoAsync(WithToken("/reports"));
        await page.Locator($"#reports a[href='/reports/{report}?token={Token}']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/reports/{report}\\?token=", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await Expect(page.Locator("#as-of")).ToContainTextAsync("Data as of");
        await Expect(page.Locator("#chart .uplot canvas")).ToBeVisibleAsync();
        await Expect(page.Locator("#report-table tbody tr").First).ToBeVisibleAsync();
        using (var csv = CsvReader.FromFile(await DownloadAsync(page, "CSV", ".csv"), new CsvReaderOptions { HasHeader = true }, FileOptions.None))
        {
            Assert.NotEmpty(csv.Headers);
            Assert.True(csv.Read(), $"{report}.csv has a header but no rows");
        }

        using var workbook = new XLWorkbook(await DownloadAsync(page, "XLSX", ".xlsx"));
        // Title, as-of line, a blank row and the header come first.
        Assert.False(workbook.Worksheet(1).Row(5).IsEmpty(), $"{report}.xlsx has no rows");
        await Expect(page.Locator("#downloads a")).ToHaveTextAsync(["CSV", "XLSX", "HTML", "JSON"]);
    }

    /// <summary>A chosen parameter goes into the address and every download link, and the rows and the CSV follow it.</summary>
    private async Task CheckParametersAsync(IPage page)
    {
        await page.GotoAsync(WithToken($"/reports/{ShownReport}"));
        await Expect(page.Locator("#param-status option")).ToHaveTextAsync(["(any)", "PENDING", "PROCESSING", "REPROCESSING"]);
        await page.Locator("#param-status").SelectOptionAsync("PENDING");
        await Expect(page).ToHaveURLAsync(new Regex("[?&]status=PENDING", RegexOptions.None, TimeSpan.FromSeconds(1)));
        foreach (var link in await page.Locator("#downloads a").AllAsync())
        {
            await Expect(link).ToHaveAttributeAsync("href", new Regex($"^/reports/{ShownReport}\\.(csv|xlsx|html|json)\\?status=PENDING&token=", RegexOptions.None, TimeSpan.FromSeconds(1)));
        }

        await Expect(page.Locator("#report-table tbody tr td:nth-child(2)").Filter(new() { HasNotText = "PENDING" })).ToHaveCountAsync(0);
        using (var csv = CsvReader.FromFile(await DownloadAsync(page, "CSV", ".csv"), new CsvReaderOptions { HasHeader = true }, FileOptions.None))
        {
            var column = Array.IndexOf(csv.Headers.ToArray(), "status");
            var statuses = new List<string>();
            while (csv.Read())
            {
                statuses.Add(csv.GetString(column));
            }

            Assert.NotEmpty(statuses);
            Assert.All(statuses, s => Assert.Equal("PENDING", s));
        }

        // The address alone brings the choice back.
        await page.ReloadAsync();
        await Expect(page.Locator("#param-status")).ToHaveValueAsync("PENDING");

        // A value the report does not allow: the report's own message, and the controls to choose another.
        await page.GotoAsync(WithToken($"/reports/{ShownReport}?status=BOGUS"));
        await Expect(page.Locator("#error")).ToHaveTextAsync($"report {ShownReport}: parameter status must be one of PENDING, PROCESSING, REPROCESSING, not 'BOGUS'");
        await Expect(page.Locator("#param-status option")).ToHaveCountAsync(4);
    }

    private async Task<string> DownloadAsync(IPage page, string label, string extension)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#downloads a", new() { HasText = label }).ClickAsync());
        Assert.Equal(extension, Path.GetExtension(download.SuggestedFilename));
        var file = Path.Combine(Project.Directory, "downloads", Guid.NewGuid().ToString("N") + extension);
        await download.SaveAsAsync(file);
        return file;
    }

    /// <summary>Runs: a lane per job with its bars; tests: one row per test of the project, each saying since when it passes.</summary>
    private static async Task CheckRunsAndTestsAsync(IPage page)
    {
        await page.GotoAsync(WithToken("/runs"));
        await Expect(page.Locator("#runs .lane[data-job='transformation'] .bar").First).ToBeAttachedAsync();
        await Expect(page.Locator("#model-runs details[open] tbody tr").First).ToBeVisibleAsync();

        var project = await ProjectLoader.LoadAsync(Path.Combine(TransformProjects.RepositoryRoot, "analytics"));
        await page.GotoAsync(WithToken("/tests"));
        await Expect(page.Locator("#tests-table tbody tr")).ToHaveCountAsync(project.Tests.Count);
        await Expect(page.Locator("#tests-table tbody tr").First).ToContainTextAsync(new Regex(@"passing since \d\d:\d\d:\d\d, \d+ runs?", RegexOptions.None, TimeSpan.FromSeconds(1)));
    }

    /// <summary><c>/models</c> draws one node per model and per source a model reads, with a legend and arrows; a node leads to its model's page.</summary>
    private static async Task CheckModelsAsync(IPage page)
    {
        var graph = new ProjectGraph(await ProjectLoader.LoadAsync(Path.Combine(TransformProjects.RepositoryRoot, "analytics")));
        var expected = graph.Order.Select(m => m.Name)
            .Concat(graph.Order.SelectMany(m => m.SourceRefs).Select(s => "source:" + s))
            .Distinct()
            .Order(StringComparer.Ordinal);

        await page.GotoAsync(WithToken("/models"));
        await Expect(page.Locator("svg.graph g.node").First).ToBeAttachedAsync();
        var nodes = await page.Locator("svg.graph g.node").EvaluateAllAsync<string[]>("nodes => nodes.map(n => n.dataset.model)");
        Assert.Equal(expected, nodes.Order(StringComparer.Ordinal));
        await Expect(page.Locator("svg.graph g.legend")).ToHaveCountAsync(5);
        Assert.Equal(await page.Locator("svg.graph path.edge").CountAsync(), await page.Locator("svg.graph path.edge[marker-end='url(#arrow)']").CountAsync());

        await page.Locator("svg.graph g.node[data-model='fct_orders']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/models/fct_orders\\?token={Token}$", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await Expect(page.Locator("#sql")).ToContainTextAsync(graph["fct_orders"].Sql.Trim().Split('\n')[0]);
        await Expect(page.Locator("#upstream a")).ToHaveTextAsync([.. graph["fct_orders"].Refs]);
        await Expect(page.Locator("#columns-table tbody tr td:first-child")).ToContainTextAsync(["order_id"]);
        await Expect(page.Locator("#model-tests tbody tr").First).ToContainTextAsync("pass");
        await Expect(page.Locator("#model-runs tbody tr").First).ToContainTextAsync("success");
        await page.Locator("#downstream a").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/models/{graph.ChildrenOf("fct_orders")[0]}\\?token=", RegexOptions.None, TimeSpan.FromSeconds(1)));
    }

    /// <summary>Every page fits 420 px without sideways scrolling; with <c>STRATA_SCREENSHOTS</c>, each at 1400 and 420 px, light and dark.</summary>
    private async Task CheckLayoutsAsync(string url)
    {
        var layouts = Screenshots is null
            ? new[] { (Width: 420, Scheme: ColorScheme.Light) }
            : [(1400, ColorScheme.Light), (1400, ColorScheme.Dark), (420, ColorScheme.Light), (420, ColorScheme.Dark)];
        foreach (var (width, scheme) in layouts)
        {
            var (context, page) = await OpenAsync(url, width, scheme);
            await using (context)
            {
                foreach (var (name, path, ready) in Pages)
                {
                    await page.GotoAsync(WithToken(path));
                    await Expect(page.Locator(ready).First).ToBeAttachedAsync();
                    await Expect(page.Locator("#conn-state")).ToContainTextAsync("live");
                    await ExpectNoSidewaysScrollAsync(page);
                    await ScreenshotAsync(page, $"dashboard-{name}" + (width < 1000 ? "-420" : "") + (scheme == ColorScheme.Dark ? "-dark" : ""));
                }
            }
        }
    }

    /// <summary>The host stops with the overview open: the page says it is disconnected and greys its numbers; nothing answers <c>/readyz</c>; <c>strata status</c> says up is not running.</summary>
    private async Task CheckHostGoneAsync(IPage page, RunningHost host)
    {
        await page.GotoAsync(WithToken("/"));
        await Expect(page.Locator("#freshness")).ToHaveTextAsync(Number);
        var shown = await page.Locator("#freshness").TextContentAsync();
        var stopped = await host.StopAsync();
        Assert.True(stopped.ExitCode == 0, stopped.ToString());

        await Expect(page.Locator("#disconnected")).ToBeVisibleAsync();
        await Expect(page.Locator("#disconnected")).ToContainTextAsync(new Regex(@"^Disconnected — last updated \d+(\.\d)? s ago", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await Expect(page.Locator("body")).ToHaveClassAsync(new Regex(@"\bstale\b", RegexOptions.None, TimeSpan.FromSeconds(1)));
        await Expect(page.Locator("#conn-state")).ToHaveTextAsync("disconnected");
        // The last numbers stay, marked stale.
        await Expect(page.Locator("#freshness")).ToHaveTextAsync(shown!);
        Assert.Equal("0.45", await page.Locator("#freshness").EvaluateAsync<string>("e => getComputedStyle(e).opacity"));
        await ScreenshotAsync(page, "dashboard-disconnected");

        await Assert.ThrowsAsync<HttpRequestException>(() => host.Client.GetAsync(new Uri("readyz", UriKind.Relative)));
        var status = await Project.RunAsync("status", "--json");
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("strata up is not running", status.Error, StringComparison.Ordinal);
    }
}
