using Strata.Testing;
using Strata.Tests.Source;
using Strata.Tests.Transform;

namespace Strata.Tests.Infra;

/// <summary><c>strata up</c> on a PostgreSQL warehouse with infra applied: ingestion and the host work as their own logins, and leave no drift.</summary>
public sealed class InfraHostTests() : SharedServerTest("infra_host", initialize: true)
{
    private readonly string _prefix = $"t_host_{Guid.NewGuid().ToString("N")[..6]}_";

    private string Warehouse => Project.Environment["STRATA_WAREHOUSE_DATABASE"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        TransformProjects.UseWarehouse(Project, Server, "postgres", "host");
        TransformProjects.UseFinanceProject(Project);
        Project.Environment["STRATA_DASHBOARD_PORT"] = "0";
        File.WriteAllText(Path.Combine(Project.Directory, "infra.yml"), $"warehouse:\n  role_prefix: {_prefix}\n");
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "20", "--items-per-order", "2")).ExitCode);
    }

    [Fact]
    public async Task Up_builds_gold_as_transformation_from_bronze_written_as_ingestion()
    {
        Assert.Equal(0, (await Project.RunAsync("infra", "apply", "--yes")).ExitCode);
        var orders = await Server.ScalarAsync<long>("SELECT count(*) FROM operations.orders", Project.Database);

        using var stop = new CancellationTokenSource();
        var up = Project.RunAsync(stop.Token, "up", "--no-simulate");
        try
        {
            await Eventually.TrueAsync(
                async () => await Server.ScalarAsync<bool>("SELECT to_regclass('gold.fct_orders') IS NOT NULL", Warehouse)
                    && await Server.ScalarAsync<long>("SELECT count(*) FROM gold.fct_orders", Warehouse) == orders,
                TimeSpan.FromSeconds(60), "gold.fct_orders to hold every source order");

            // The host records its work in _strata as transformation's login too.
            await Eventually.TrueAsync(async () => await Server.ScalarAsync<long>("SELECT count(*) FROM _strata.model_runs", Warehouse) > 0,
                TimeSpan.FromSeconds(30), "the host to record its model runs");

            // The dashboard reads as its own login, and a report asked for on it runs as the reports login.
            var host = await Eventually.ValueAsync(() => Strata.Host.HostFile.Read(Project.LoadConfig()), TimeSpan.FromSeconds(30), "the host to announce its dashboard");
            using var client = new HttpClient { BaseAddress = new Uri(host.Url) };
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(new Uri("api/overview", UriKind.Relative))).StatusCode);
            using var reports = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("api/reports", UriKind.Relative)));
            var report = await client.GetAsync(new Uri($"api/reports/{reports.RootElement[0].GetProperty("name").GetString()}", UriKind.Relative));
            Assert.True(report.IsSuccessStatusCode, await report.Content.ReadAsStringAsync());
            // A silver model's page lists its columns, though the dashboard's login may not read silver.
            using (var page = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("api/models/orders", UriKind.Relative))))
            {
                var columns = page.RootElement.GetProperty("columns").EnumerateArray().ToList();
                Assert.Contains(columns, c => c.GetProperty("name").GetString() == "order_id" && c.GetProperty("type").GetString() is { Length: > 0 });
            }

            var logins = await Server.ScalarAsync<string>($"SELECT string_agg(DISTINCT usename::text, ',') FROM pg_stat_activity WHERE datname = '{Warehouse}'", Warehouse);
            Assert.Contains(_prefix + "reports", logins!.Split(','));
            Assert.Contains(_prefix + "dashboard", logins.Split(','));
        }
        finally
        {
            await stop.CancelAsync();
        }

        var result = await up;
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("permission denied", result.All, StringComparison.Ordinal);
        Assert.Equal(_prefix + "ingestion", await Server.ScalarAsync<string>("SELECT string_agg(DISTINCT tableowner::text, ',') FROM pg_tables WHERE schemaname = 'bronze'", Warehouse));
        Assert.Equal(_prefix + "transformation", await Server.ScalarAsync<string>("SELECT string_agg(DISTINCT tableowner::text, ',') FROM pg_tables WHERE schemaname IN ('silver', 'gold')", Warehouse));

        var plan = await Project.RunAsync("infra", "plan");
        Assert.True(plan.ExitCode == 0, plan.ToString());
    }

    public override async Task DisposeAsync()
    {
        await InfraCleanup.DropAsync(Server, _prefix, Warehouse, Project.Database);
        await base.DisposeAsync();
    }
}
