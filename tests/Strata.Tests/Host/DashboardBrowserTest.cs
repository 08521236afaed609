using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using Strata.Testing;
using Strata.Tests.Source;
using Strata.Tests.Transform;
using static Microsoft.Playwright.Assertions;

namespace Strata.Tests.Host;

/// <summary>
/// Base of the dashboard's browser tests: a real <c>strata up</c> on the finance project with a token, a client of
/// its API, browser pages opened with the token, and what <c>/readyz</c> and <c>strata status --json</c> say.
/// </summary>
public abstract class DashboardBrowserTest(ChromiumFixture chromium, string key, string server = Strata.Testing.PostgresServer.SharedName)
    : SharedServerTest(key, initialize: true, server)
{
    protected const string Token = "browser-token-1";

    /// <summary>The class's Chromium.</summary>
    protected IBrowser Browser => chromium.Browser;

    /// <summary>
    /// Seeds the source, runs <c>strata up</c> with a warehouse named <paramref name="name"/> until its first
    /// transformation run, and gives <paramref name="body"/> the running host; stops it afterwards unless the body
    /// did, and prints its output when the body fails.
    /// </summary>
    protected async Task WithHostAsync(string name, int orders, Func<RunningHost, Task> body)
    {
        TransformProjects.UseWarehouse(Project, Server, "duckdb", name);
        TransformProjects.UseFinanceProject(Project);
        Project.Environment["STRATA_DASHBOARD_PORT"] = "0";
        Project.Environment["STRATA_DASHBOARD_TOKEN"] = Token;
        var seed = await Project.RunAsync("source", "seed", "--orders", orders.ToString(System.Globalization.CultureInfo.InvariantCulture), "--items-per-order", "2");
        Assert.True(seed.ExitCode == 0, seed.ToString());

        using var stop = new CancellationTokenSource();
        var host = new RunningHost(Project.RunAsync(stop.Token, "up"), stop);
        try
        {
            var file = await Eventually.ValueAsync(
                () => host.Up.IsCompleted ? throw new InvalidOperationException($"strata up stopped early:\n{host.Up.Result}") : Strata.Host.HostFile.Read(Project.LoadConfig()),
                TimeSpan.FromSeconds(60), "strata up to write its host file");
            host.Url = file.Url;
            host.Client = new HttpClient { BaseAddress = new Uri(file.Url) };
            host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            await OverviewAsync(host.Client, o => o.GetProperty("transformation_runs").GetInt32() >= 1, "the first transformation run");
            await body(host);
        }
        catch
        {
            await stop.CancelAsync();
            System.Console.WriteLine((await host.Up).ToString());
            throw;
        }
        finally
        {
            host.Client?.Dispose();
        }

        var stopped = await host.StopAsync();
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    /// <summary>A browser context on the dashboard (viewport <paramref name="width"/> wide, light or dark), with a page already opened with the token.</summary>
    protected async Task<(IBrowserContext Context, IPage Page)> OpenAsync(string url, int width = 1400, ColorScheme scheme = ColorScheme.Light, string path = "/")
    {
        var context = await chromium.Browser.NewContextAsync(new()
        {
            BaseURL = url,
            ViewportSize = new() { Width = width, Height = 900 },
            ColorScheme = scheme,
            AcceptDownloads = true,
            TimezoneId = "Europe/Berlin",
        });
        var page = await context.NewPageAsync();
        var opened = await page.GotoAsync(WithToken(path));
        Assert.Equal(200, opened?.Status);
        return (context, page);
    }

    protected static string WithToken(string path) => path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "token=" + Token;

    /// <summary>Polls <c>/api/overview</c> until <paramref name="condition"/> holds; returns that overview.</summary>
    protected static async Task<JsonElement> OverviewAsync(HttpClient client, Func<JsonElement, bool> condition, string what)
    {
        string? last = null;
        try
        {
            return await Eventually.ValueAsync<JsonElement?>(async () =>
            {
                last = await client.GetStringAsync(new Uri("api/overview", UriKind.Relative));
                var overview = JsonDocument.Parse(last).RootElement.Clone();
                return condition(overview) ? overview : null;
            }, TimeSpan.FromSeconds(60), what) ?? default;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"waited for {what}; the overview said: {last}");
        }
    }

    /// <summary><c>/readyz</c>: its status code and JSON body.</summary>
    protected static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("readyz", UriKind.Relative));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>The problems <c>/readyz</c> lists.</summary>
    protected static IReadOnlyList<string> Problems(JsonElement body) => body.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();

    /// <summary><c>strata status --json</c>, which asks the running host.</summary>
    protected async Task<JsonElement> StatusJsonAsync()
    {
        var status = await Project.RunAsync("status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        return JsonDocument.Parse(status.Output).RootElement.Clone();
    }

    /// <summary>The worker's state on the overview page (<c>li[data-worker]</c>) reaches <paramref name="state"/>.</summary>
    protected static Task ExpectWorkerAsync(IPage page, string worker, string state) =>
        Expect(page.Locator($"#workers li[data-worker='{worker}'] .status")).ToHaveTextAsync(state, new() { Timeout = 60_000 });

    /// <summary>Nothing on the page is wider than the viewport: wide tables and the graph scroll in their own box.</summary>
    protected static async Task ExpectNoSidewaysScrollAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"{page.Url} scrolls sideways: {widths[0]} px wide in a {widths[1]} px viewport");
    }

    /// <summary>Saves a full-page screenshot when <c>STRATA_SCREENSHOTS</c> names a folder (to regenerate the docs' pictures).</summary>
    protected static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Screenshots is { } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }

    /// <summary>The folder <c>STRATA_SCREENSHOTS</c> names, or null.</summary>
    protected static string? Screenshots => Environment.GetEnvironmentVariable("STRATA_SCREENSHOTS") is { Length: > 0 } folder ? folder : null;
}

/// <summary>A <c>strata up</c> running in this process, with a client of its dashboard.</summary>
public sealed class RunningHost(Task<CliResult> up, CancellationTokenSource stop)
{
    /// <summary>The <c>strata up</c> invocation.</summary>
    public Task<CliResult> Up { get; } = up;

    /// <summary>The dashboard's address.</summary>
    public string Url { get; set; } = "";

    /// <summary>A client of the dashboard with the token.</summary>
    public HttpClient Client { get; set; } = null!;

    /// <summary>Stops the host as Ctrl+C would and returns what it said.</summary>
    public async Task<CliResult> StopAsync()
    {
        await stop.CancelAsync();
        return await Up;
    }
}
