using System.Diagnostics;
using Strata.Testing;
using Strata.Tests.Ingestion;
using Strata.Tests.Source;
using Strata.Tests.Transform;

namespace Strata.Tests.Host;

/// <summary><c>strata up</c> against an existing source: ingestion and commit-triggered transformation in one process.</summary>
public sealed class PlatformHostTests() : SharedServerTest("host", initialize: true)
{
    [Fact]
    public async Task Up_keeps_gold_seconds_behind_the_source_and_stops_cleanly()
    {
        TransformProjects.UseWarehouse(Project, Server, "duckdb", "host");
        TransformProjects.UseFinanceProject(Project);
        Project.Environment["STRATA_DASHBOARD_PORT"] = "0";
        Project.Environment["STRATA_DASHBOARD_TOKEN"] = "dash-token-1";
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "50", "--items-per-order", "3")).ExitCode);

        using var stop = new CancellationTokenSource();
        var up = Project.RunAsync(stop.Token, "up");
        var simulate = await Project.RunAsync("source", "simulate", "--speed", "2000", "--duration", "6s", "--delete-rate", "0.05");
        Assert.True(simulate.ExitCode == 0, simulate.ToString());

        // Once the workload stops, the host catches up within seconds on its own.
        var expected = await BronzeReader.SourceQueryAsync(Server, Project.Database, "SELECT order_id, status FROM operations.orders ORDER BY 1");
        var clock = Stopwatch.StartNew();
        List<string>? actual = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(500);
            try
            {
                actual = await TransformProjects.RowsAsync(Project, "SELECT order_id, status FROM gold.fct_orders ORDER BY 1");
            }
            catch (Strata.Warehouse.WarehouseException)
            {
                continue; // gold not built yet
            }

            if (actual.SequenceEqual(expected))
            {
                break;
            }
        }

        if (actual is null || !actual.SequenceEqual(expected))
        {
            await stop.CancelAsync();
            Assert.Fail($"gold did not catch up with the source within 30 s; strata up said:\n{await up}");
        }

        await CheckDashboardAsync();

        var stopping = Stopwatch.StartNew();
        await stop.CancelAsync();
        var result = await up;
        Assert.True(result.ExitCode == 0, result.ToString());
        // Stops rather than hangs (workers are given 10 s); how fast it catches up is the host benchmark's to measure.
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(30), $"stopping took {stopping.Elapsed}");
        // It used the configured source: no local cluster was created.
        Assert.False(Directory.Exists(Path.Combine(Project.Directory, ".strata", "source")));
        Assert.False(File.Exists(Path.Combine(Project.Directory, ".strata", "host.json")));
    }

    [Fact]
    public async Task Gold_held_back_by_a_failing_test_ages_says_why_and_recovers()
    {
        Project.Environment["STRATA_FRESHNESS_WARN_AFTER"] = "2s";
        Project.Environment["STRATA_FRESHNESS_ERROR_AFTER"] = "4s";
        using var hooks = new WebhookReceiver();
        Project.Environment["STRATA_ALERTS_WEBHOOK"] = hooks.Url("/alerts").ToString();
        Project.Environment["STRATA_ALERTS_FOR"] = "1s";
        Strata.Host.Alerts.AlertWorker.Interval = TimeSpan.FromMilliseconds(500);
        await WithHostAsync("stale", orders: 30, async client =>
        {
            await OverviewAsync(client, o => o.GetProperty("gold_status").GetString() == "ok", "gold to be built and fresh");

            // A status the silver tests reject: silver takes it in, every gold relation is skipped from now on.
            await Server.ExecuteAsync("UPDATE operations.orders SET status = 'BOGUS' WHERE order_id = 1", Project.Database);
            var stale = await OverviewAsync(client,
                o => o.GetProperty("gold_status").GetString() == "error" && o.GetProperty("problems").EnumerateArray().Any(p => p.GetString()!.Contains("not rebuilt", StringComparison.Ordinal)),
                "the age of gold to pass freshness.error_after, with the reason");
            Assert.True(stale.GetProperty("gold_freshness_seconds").GetDouble() > 4, stale.ToString());
            Assert.Contains(stale.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!),
                p => p.Contains("past freshness.error_after", StringComparison.Ordinal) && p.Contains("test accepted_values_orders_status on orders fails", StringComparison.Ordinal));
            using (var ready = await client.GetAsync(new Uri("readyz", UriKind.Relative)))
            {
                Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Contains("freshness.error_after", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // The failing test and the age of gold alert through the webhook, and strata status says they fire.
            await Eventually.TrueAsync(() => Task.FromResult(hooks.At("/alerts").Select(b => b.GetProperty("rule").GetString()).ToHashSet().IsSupersetOf(["gold_age", "test_failed"])),
                TimeSpan.FromSeconds(60), "the gold_age and test_failed alerts to reach the webhook");
            var status = await Project.RunAsync("status", "--json");
            using (var json = System.Text.Json.JsonDocument.Parse(status.Output))
            {
                Assert.Equal("error", json.RootElement.GetProperty("gold_status").GetString());
                Assert.Contains("test_failed", json.RootElement.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("rule").GetString()));
            }

            // Fixed at the source: gold is rebuilt and, holding everything bronze has, is fresh again and stays so.
            await Server.ExecuteAsync("UPDATE operations.orders SET status = 'PENDING' WHERE order_id = 1", Project.Database);
            await OverviewAsync(client,
                o => o.GetProperty("gold_status").GetString() == "ok" && o.GetProperty("problems").EnumerateArray().All(p => !p.GetString()!.Contains("not rebuilt", StringComparison.Ordinal)),
                "gold to be rebuilt and the reason gone");
            await Eventually.TrueAsync(() => Task.FromResult(hooks.At("/alerts").Count(b => b.GetProperty("kind").GetString() == "resolved" && b.GetProperty("rule").GetString() == "test_failed") == 1),
                TimeSpan.FromSeconds(60), "the test_failed alert to recover");
        });
    }

    [Fact]
    public async Task A_lost_slot_shows_as_a_failed_ingestion_and_a_resync_through_the_running_host_recovers_it()
    {
        // Its pipeline is lost_duckdb (WithHostAsync names it after the warehouse): slot strata_lost_duckdb.
        await WithHostAsync("lost", orders: 20, async client =>
        {
            await OverviewAsync(client, o => o.GetProperty("gold_status").GetString() == "ok", "gold to be built");

            // The slot goes away under the running host (dropped by someone, or invalidated).
            await Server.DropSlotAsync("strata_lost_duckdb");
            var failed = await OverviewAsync(client,
                o => o.GetProperty("workers").GetProperty("ingestion").GetProperty("state").GetString() == "failed", "ingestion to show the lost slot");
            Assert.Contains("--resync", failed.GetProperty("workers").GetProperty("ingestion").GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal("error", failed.GetProperty("gold_status").GetString());

            // The advised fix works while up runs: the host takes the resync without stopping.
            var resync = await Project.RunAsync("ingest", "--resync", "--json");
            Assert.True(resync.ExitCode == 0, resync.ToString());
            await OverviewAsync(client, o => o.GetProperty("workers").GetProperty("ingestion").GetProperty("state").GetString() == "healthy" && o.GetProperty("slot").GetProperty("state").GetString() == "active",
                "ingestion to stream from a new slot");
            await Server.ExecuteAsync("INSERT INTO operations.customers (customer_name) VALUES ('after the resync')", Project.Database);
            await Server.WaitForSlotToConfirmAsync("strata_lost_duckdb", TimeSpan.FromSeconds(60), "the insert after the resync");
        });
        await Reconciled.AssertEqualAsync(Project);
    }

    /// <summary>
    /// Runs <c>strata up</c> on the finance project with a seeded source and a warehouse named <paramref name="name"/>,
    /// gives <paramref name="body"/> a client of its dashboard, then stops it and asserts it ended well (its output is
    /// printed when the body fails).
    /// </summary>
    private async Task WithHostAsync(string name, int orders, Func<HttpClient, Task> body)
    {
        const string token = "dash-token-with-host";
        TransformProjects.UseWarehouse(Project, Server, "duckdb", name);
        TransformProjects.UseFinanceProject(Project);
        Project.Environment["STRATA_DASHBOARD_PORT"] = "0";
        Project.Environment["STRATA_DASHBOARD_TOKEN"] = token;
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", orders.ToString(System.Globalization.CultureInfo.InvariantCulture), "--items-per-order", "2")).ExitCode);
        using var stop = new CancellationTokenSource();
        var up = Project.RunAsync(stop.Token, "up");
        try
        {
            using var client = await DashboardClientAsync(token);
            await body(client);
        }
        catch
        {
            await stop.CancelAsync();
            System.Console.WriteLine((await up).ToString());
            throw;
        }

        await stop.CancelAsync();
        var result = await up;
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private async Task<HttpClient> DashboardClientAsync(string token)
    {
        var host = await Eventually.ValueAsync(() => Strata.Host.HostFile.Read(Project.LoadConfig()), TimeSpan.FromSeconds(60), "strata up to write its host file");
        var client = new HttpClient { BaseAddress = new Uri(host.Url) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<System.Text.Json.JsonElement> OverviewAsync(HttpClient client, Func<System.Text.Json.JsonElement, bool> condition, string what)
    {
        string? last = null;
        try
        {
            return await Eventually.ValueAsync<System.Text.Json.JsonElement?>(async () =>
            {
                last = await client.GetStringAsync(new Uri("api/overview", UriKind.Relative));
                var overview = System.Text.Json.JsonDocument.Parse(last).RootElement.Clone();
                return condition(overview) ? overview : null;
            }, TimeSpan.FromSeconds(60), what) ?? default;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"waited for {what}; the overview said: {last}");
        }
    }

    [Fact]
    public async Task Beyond_loopback_the_dashboard_refuses_to_start_without_a_token()
    {
        TransformProjects.UseWarehouse(Project, Server, "duckdb", "open");
        Project.Environment["STRATA_DASHBOARD_HOST"] = "0.0.0.0";
        var up = await Project.RunAsync("up");
        Assert.Equal(1, up.ExitCode);
        Assert.StartsWith("error: the dashboard would listen on 0.0.0.0, beyond this machine, without a token; set the dashboard.token secret", up.Error, StringComparison.Ordinal);
    }

    /// <summary>DNS rebinding, cross-origin POSTs and the cookie: what a hostile page in the same browser could try.</summary>
    private static async Task CheckDashboardSecurityAsync(HttpClient client)
    {
        using (var rebound = new HttpRequestMessage(HttpMethod.Get, new Uri("api/overview", UriKind.Relative)))
        {
            rebound.Headers.Host = "evil.example";
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await client.SendAsync(rebound)).StatusCode);
        }

        using (var crossOrigin = new HttpRequestMessage(HttpMethod.Post, new Uri("api/reconcile", UriKind.Relative)))
        {
            crossOrigin.Headers.Add("Origin", "http://evil.example");
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await client.SendAsync(crossOrigin)).StatusCode);
        }

        using var handler = new HttpClientHandler { UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = client.BaseAddress };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await browser.GetAsync(new Uri("/?token=dash-token-1", UriKind.Relative))).StatusCode);
        var cookie = Assert.Single(handler.CookieContainer.GetCookies(client.BaseAddress!).Cast<System.Net.Cookie>());
        Assert.DoesNotContain("dash-token-1", cookie.Value, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", cookie.Value);
        // The session cookie alone is enough afterwards; a made-up one is not.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await browser.GetAsync(new Uri("api/overview", UriKind.Relative))).StatusCode);
        using var forged = new HttpRequestMessage(HttpMethod.Get, new Uri("api/overview", UriKind.Relative));
        forged.Headers.Add("Cookie", "strata_session=" + new string('a', 64));
        using var plain = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = client.BaseAddress };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await plain.SendAsync(forged)).StatusCode);
    }

    private async Task CheckDashboardAsync()
    {
        using var client = new HttpClient { BaseAddress = new Uri(Strata.Host.HostFile.Read(Project.LoadConfig())!.Url) };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("api/overview", UriKind.Relative))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("docs", UriKind.Relative))).StatusCode);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "dash-token-1");
        Assert.Equal("ok", await client.GetStringAsync(new Uri("healthz", UriKind.Relative)));

        // HEAD, as uptime checkers and `curl -I` probe: the headers of a GET, no body.
        foreach (var path in new[] { "healthz", "readyz", "api/overview", "assets/overview.js", "" })
        {
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(path, UriKind.Relative)));
            Assert.True(head.StatusCode is System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.ServiceUnavailable, $"HEAD /{path}: {head.StatusCode}");
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
        using var overview = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("api/overview", UriKind.Relative)));
        Assert.Equal(System.Text.Json.JsonValueKind.Number, overview.RootElement.GetProperty("gold_freshness_seconds").ValueKind);
        Assert.Equal("healthy", overview.RootElement.GetProperty("workers").GetProperty("ingestion").GetProperty("state").GetString());
        Assert.Contains("<svg", await client.GetStringAsync(new Uri("reports/top_delivery_dates.html", UriKind.Relative)), StringComparison.Ordinal);
        var csv = await client.GetStringAsync(new Uri("reports/top_delivery_dates.csv", UriKind.Relative));
        Assert.StartsWith("delivery_date,open_orders", csv, StringComparison.Ordinal);
        Assert.Contains("/assets/overview.js", await client.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Contains("/api/overview", await client.GetStringAsync(new Uri("assets/overview.js", UriKind.Relative)), StringComparison.Ordinal);
        // The docs site, as strata docs writes it, with the finance project's models and their column lineage.
        var docs = await client.GetStringAsync(new Uri("docs", UriKind.Relative));
        Assert.Contains("href=\"#node/model.fct_orders\"", docs, StringComparison.Ordinal);
        Assert.Contains("\"lineage_edges\":[{", docs, StringComparison.Ordinal);
        // The lag gauge is NaN until the host's first look at the slot: wait for a number, with a deadline.
        var metrics = await Eventually.ValueAsync(
            async () => await client.GetStringAsync(new Uri("metrics", UriKind.Relative)) is var m && System.Text.RegularExpressions.Regex.IsMatch(m, @"strata_replication_lag_bytes(\{[^}]*\})? \d") ? m : null,
            TimeSpan.FromSeconds(30), "/metrics to report the replication lag");
        Assert.Contains("strata_gold_freshness_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("strata_ingest_latency_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Matches(@"strata_replication_lag_bytes(\{[^}]*\})? \d", metrics);
        Assert.Matches(@"strata_ingested_changes_total(\{[^}]*\})? [1-9]", metrics);
        Assert.Matches("strata_model_run_duration_seconds_count\\{[^}]*model=\"orders\"", metrics);

        await CheckDashboardSecurityAsync(client);

        var status = await Project.RunAsync("status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(status.Output);
        Assert.True(json.RootElement.GetProperty("transformation_runs").GetInt32() >= 1, status.Output);
    }
}
