using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Strata.Configuration;
using Strata.Errors;
using Strata.Host.Alerts;
using Strata.Host.Jobs;
using Strata.Host.Workers;
using Strata.Ingestion;
using Strata.Output;
using Strata.Reports;
using Strata.Source;
using Strata.Source.Workload;
using Strata.Transform;
using OpenTelemetry.Metrics;

namespace Strata.Host;

/// <summary>
/// <c>strata up</c>: one process that runs the platform — the simulated workload (on the local source), ingestion,
/// commit-triggered incremental transformation with its tests, and report schedules — as hosted services that
/// call the same services the CLI commands call. Ctrl+C or SIGTERM stops it within 10 s, every written batch checkpointed.
/// </summary>
public static class PlatformHost
{
    /// <summary>Runs until cancelled.</summary>
    /// <param name="config">The project's configuration.</param>
    /// <param name="workload">The workload to simulate, or null for none.</param>
    /// <param name="console">Where the workers report.</param>
    /// <param name="cancellationToken">Stops the host.</param>
    /// <param name="clock">Times schedules, retries and backoffs; null means the system clock.</param>
    /// <param name="resync">Tables ingestion snapshots afresh when it starts (empty = every table, a lost slot created again); null for none.</param>
    /// <param name="verbose">On a terminal, show the workers' information lines above the status line too.</param>
    public static async Task<PlatformState> RunAsync(
        StrataConfig config, SimulateOptions? workload, IStrataConsole console, CancellationToken cancellationToken, TimeProvider? clock = null,
        IReadOnlyList<string>? resync = null, bool verbose = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        clock ??= TimeProvider.System;
        var state = new PlatformState(clock);
        if (resync is not null)
        {
            state.RequestResync(resync);
        }

        // On a terminal one status line, rewritten in place, stands for the workers' chatter: their information lines
        // show only when verbose, their own live lines and progress bars never (they would fight it for the last line).
        var workers = console.IsInteractive ? new LinesOnlyConsole(console, info: verbose) : console;
        var trigger = new TransformTrigger();
        var host = config.Text(Settings.DashboardHost) ?? "127.0.0.1";
        var port = config.Integer(Settings.DashboardPort) ?? 8080;
        Web.DashboardSecurity.Check(host, config.Secret(Settings.DashboardToken));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = config.ProjectDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            if (host == "localhost")
            {
                kestrel.ListenLocalhost(port);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(host), port);
            }
        });
        builder.Services.Configure<HostOptions>(o =>
        {
            o.ShutdownTimeout = TimeSpan.FromSeconds(10);
            // One failed worker never stops the others.
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore;
        });
        using var metrics = new StrataMetrics(state);
        // One warehouse handle lent to transformation, jobs, alerts and the dashboard; closed after the web app stops.
        // Ingestion writes through a handle of its own: bronze appends and model builds touch disjoint tables, and
        // queueing every bronze commit behind a model build on one writer doubled commit → gold p95 at ×100 (docs/benchmarks.md).
        // With infra applied on PostgreSQL the host is transformation's login (it builds the models and runs the
        // schedules, so the tables it makes stay transformation's) and ingestion writes as its own; otherwise both are warehouse.user.
        await using var warehouse = Strata.Platform.Warehouses.Shared(Strata.Platform.WarehouseLogins.For(config, Strata.Platform.WarehouseLogins.Transformation));
        await using var ingestionWarehouse = Strata.Platform.Warehouses.Shared(Strata.Platform.WarehouseLogins.For(config, Strata.Platform.WarehouseLogins.Ingestion));
        // Reports read gold, and the dashboard gold and the metadata it shows, each as its own login where infra made one.
        await using var reportsWarehouse = Strata.Platform.Warehouses.Shared(Strata.Platform.WarehouseLogins.For(config, Strata.Platform.WarehouseLogins.Reports));
        await using var dashboardWarehouse = Strata.Platform.Warehouses.Shared(Strata.Platform.WarehouseLogins.For(config, Strata.Platform.WarehouseLogins.Dashboard));
        var openWarehouse = warehouse.Lend;
        // The jobs' loaded project: a broken project or schedule stops `strata up` here, in one line.
        var jobsWarehouse = await openWarehouse(cancellationToken);
        var jobsTransform = await TransformService.OpenAsync(config, jobsWarehouse, NullConsole.Instance);
        var reports = ReportService.From(config, jobsTransform, await reportsWarehouse.Lend(cancellationToken), workers);
        // only_if_fresh measures a report's data as the overview measures gold: the age of the relations it reads.
        reports.Freshness = new Reports.Delivery.DeliveryFreshness(
            relations => state.AgesSeconds(clock.GetUtcNow().UtcDateTime).Where(a => relations.Contains(a.Key)).Select(a => (double?)a.Value).Max() is { } age ? TimeSpan.FromSeconds(age) : null,
            () => state.ErrorAfter);
        var jobs = HostJobs.Plan(config, openWarehouse, jobsTransform, reports);
        var history = new JobHistory(jobsWarehouse);
        await history.EnsureAsync(cancellationToken);
        var alertSettings = AlertSettings.Read(config);
        state.ReplicationLagLimitBytes = alertSettings.ReplicationLagBytes;
        using var alertHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        alertHttp.DefaultRequestHeaders.UserAgent.ParseAdd("Strata-alerts/1");
        var alertChannels = AlertSettings.Channels(config, alertHttp);
        var alerts = new AlertStore(jobsWarehouse);
        await alerts.EnsureAsync(cancellationToken);
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(StrataMetrics.MeterName).AddPrometheusExporter());
        builder.Services.AddHostedService(_ => new IngestionWorker(config, ingestionWarehouse.Lend, workers, trigger, state, metrics, clock));
        builder.Services.AddHostedService(_ => new TransformWorker(config, openWarehouse, workers, trigger, state, metrics, history, clock));
        builder.Services.AddHostedService(_ => new SourceMonitorWorker(new IngestionService(config, openWarehouse, NullConsole.Instance), state));
        builder.Services.AddHostedService(_ => new JobScheduler(jobs, state, history, workers, clock));
        builder.Services.AddHostedService(_ => new AlertWorker(
            new AlertEngine(alerts, alertChannels, alertSettings, $"strata up in {config.ProjectDirectory}", clock, workers), state, clock));
        if (workload is not null)
        {
            builder.Services.AddHostedService(_ => new WorkloadWorker(new SourceService(config, NullConsole.Instance), workload, workers, state, clock));
        }

        if (console.IsInteractive)
        {
            builder.Services.AddHostedService(_ => new StatusLineWorker(state, console, clock));
        }

        // The first transformation run builds every model, even before the first change arrives.
        trigger.Add([]);
        // Disposed after the app, which may be answering /docs with it until it stops.
        using var sqlParser = Strata.Platform.Warehouses.SqlParser();
        await using var app = builder.Build();
        Web.Dashboard.Map(app, config, new Web.DashboardWarehouses(dashboardWarehouse.Lend, reportsWarehouse.Lend, openWarehouse), state, history, alerts, sqlParser);
        app.MapPrometheusScrapingEndpoint();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            throw new ConfigurationException($"the dashboard cannot listen on {host}:{port} ({ex.Message}); free the port or set dashboard.port (0 = any free port)", ex);
        }

        var url = app.Urls.First();
        await HostFile.WriteAsync(config, url);
        console.Info($"Dashboard: {url}");
        try
        {
            await app.WaitForShutdownAsync(cancellationToken);
        }
        finally
        {
            HostFile.Delete(config);
        }

        return state;
    }
}
