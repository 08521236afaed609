using System.Data.Common;
using System.Reflection;
using Spectre.Console.Cli;
using Strata.Cli.Commands;
using Strata.Cli.Commands.Source;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Errors;
using Strata.Warehouse;

namespace Strata.Cli;

/// <summary>The <c>strata</c> command line: commands, help, and the one-line error policy.</summary>
public static class StrataApp
{
    /// <summary>Exit code of a user error (bad setting, file, argument, unreachable server, missing program).</summary>
    public const int UserErrorExitCode = 1;

    /// <summary>Exit code of an unexpected failure (a bug).</summary>
    public const int UnexpectedErrorExitCode = 2;

    /// <summary>Runs one command line; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliRuntime runtime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(runtime);
        var debug = args.Contains("--debug", StringComparer.Ordinal);
        var console = new SpectreStrataConsole(runtime);
        var app = new CommandApp();
        app.Configure(config => Configure(config, runtime, console));
        using var job = WarehouseJob.Begin(JobName(args));
        try
        {
            try
            {
                return await app.RunAsync(args, cancellationToken);
            }
            finally
            {
                console.CloseLiveLine();
            }
        }
        catch (Exception ex) when (ex is StrataException or CommandAppException)
        {
            return Fail(runtime, debug, ex, UserErrorExitCode, ex is CommandAppException ? Explain(ex.Message, args) : ex.Message);
        }
        catch (DbException ex) when (TransientFailure.Is(ex) || IsServerGoingAway(ex))
        {
            return Fail(runtime, debug, ex, UserErrorExitCode, $"lost the connection to the database server ({ex.Message}); check that the server runs and try again");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            runtime.Error.WriteLine("stopped.");
            return 130;
        }
        catch (Exception ex)
        {
            // `strata infra plan|drift` answer 2 for "changes": there a bug must not read as drift to a CI check.
            var code = args.Contains("infra", StringComparer.Ordinal) ? UserErrorExitCode : UnexpectedErrorExitCode;
            return Fail(runtime, debug, ex, code,
                $"unexpected {ex.GetType().Name}: {ex.Message} (this is a bug in Strata; run again with --debug and report the stack trace)");
        }
    }

    /// <summary>
    /// Spectre's "Failed to convert 'lots' to Int32." names neither the option nor what it wants: say which option of
    /// the command line carried the value, and what kind of value it takes.
    /// </summary>
    /// <summary>What the warehouse is told this command is (e.g. Snowflake's QUERY_TAG <c>strata:report run daily</c>): its first words.</summary>
    private static string JobName(string[] args) =>
        args.TakeWhile(a => !a.StartsWith('-')).Take(3).ToList() is { Count: > 0 } words ? string.Join(' ', words) : "cli";

    private static string Explain(string message, string[] args)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, @"^Failed to convert '(?<value>.*)' to (?<type>[\w`]+)\.?$");
        if (!match.Success)
        {
            return message;
        }

        var value = match.Groups["value"].Value;
        var wanted = match.Groups["type"].Value switch
        {
            "Int32" or "Int64" or "Int16" => "a whole number",
            "Double" or "Decimal" or "Single" => "a number",
            "Boolean" => "true or false",
            "Nullable`1" => "a valid value for it",
            var other => $"a {other}",
        };
        var at = Array.FindIndex(args, a => a == value || a.EndsWith("=" + value, StringComparison.Ordinal));
        var option = at switch
        {
            > 0 when args[at] == value && args[at - 1].StartsWith('-') => args[at - 1],
            >= 0 when args[at] != value => args[at][..args[at].IndexOf('=', StringComparison.Ordinal)],
            _ => null,
        };
        return option is null ? $"'{value}' is not {wanted}" : $"{option}: '{value}' is not {wanted}; see `strata {string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')))} --help`";
    }

    /// <summary>Connection-class (08) and operator-intervention (57) errors: the server went away, not a bug.</summary>
    private static bool IsServerGoingAway(DbException exception) =>
        exception.SqlState is { } state && (state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57", StringComparison.Ordinal));

    private static int Fail(CliRuntime runtime, bool debug, Exception exception, int exitCode, string message)
    {
        // One line, whatever the message carried: the line is what scripts and people read.
        runtime.Error.WriteLine("error: " + string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        if (debug)
        {
            runtime.Error.WriteLine(exception.ToString());
        }

        return exitCode;
    }

    private static void Configure(IConfigurator config, CliRuntime runtime, SpectreStrataConsole console)
    {
        config.SetApplicationName("strata");
        config.SetApplicationVersion(typeof(StrataApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0");
        config.ConfigureConsole(console.Ansi);
        config.PropagateExceptions();
        config.Settings.Registrar.RegisterInstance(runtime);
        config.Settings.Registrar.RegisterInstance(console);
        config.Settings.StrictParsing = true;
        config.SetInterceptor(new JsonModeInterceptor(console));

        config.AddCommand<UpCommand>("up")
            .WithDescription("Run the platform in one process: the local source and its live workload, ingestion, transformation on every commit, report schedules")
            .WithExample("up")
            .WithExample("up", "--speed", "10")
            .WithExample("up", "--no-simulate");

        config.AddCommand<Commands.Init.InitCommand>("init")
            .WithDescription("Scaffold a dbt-format project for the source's published tables: sources.yml, one staging model per table, key tests, strata.yml")
            .WithExample("init")
            .WithExample("init", "warehouse_models", "--json")
            .WithExample("init", "analytics", "--force");

        config.AddBranch("source", source =>
        {
            source.SetDescription("The source database: a local development cluster, or the CDC set-up of an existing server");
            source.AddCommand<SourceUpCommand>("up")
                .WithDescription("Create (first time) and start the local source cluster, apply init, and load the initial data")
                .WithExample("source", "up")
                .WithExample("source", "up", "--port", "0");
            source.AddCommand<SourceInitCommand>("init")
                .WithDescription("Create the database, schema, tables, CDC login and publication (idempotent)")
                .WithExample("source", "init")
                .WithExample("source", "init", "--connection", "\"Host=db.example.com;Port=5432;Username=admin\"");
            source.AddCommand<SourceSeedCommand>("seed")
                .WithDescription("Replace the source tables' rows with deterministic sample data (binary COPY)")
                .WithExample("source", "seed", "--customers", "1000", "--products", "500", "--orders", "400000", "--items-per-order", "25", "--seed", "7");
            source.AddCommand<SourceSimulateCommand>("simulate")
                .WithDescription("Run the live workload (customers, products, orders) at the original rates times --speed")
                .WithExample("source", "simulate")
                .WithExample("source", "simulate", "--speed", "1000", "--duration", "20s", "--delete-rate", "0.05");
            source.AddCommand<SourceStatusCommand>("status")
                .WithDescription("Whether the source runs, where, and its row counts")
                .WithExample("source", "status", "--json");
            source.AddCommand<SourceDownCommand>("down")
                .WithDescription("Stop the local source (--purge also deletes it)")
                .WithExample("source", "down")
                .WithExample("source", "down", "--purge");
        });

        config.AddBranch("infra", infra =>
        {
            infra.SetDescription("Every role and grant Strata needs (infra.yml, or the defaults), diffed against the live catalogs: no state file");
            infra.AddCommand<Commands.Infra.InfraPlanCommand>("plan")
                .WithDescription("Show what apply would create, alter, grant and revoke (exit 0 = no changes, 2 = changes, 1 = error)")
                .WithExample("infra", "plan")
                .WithExample("infra", "plan", "--json", "--prune");
            infra.AddCommand<Commands.Infra.InfraApplyCommand>("apply")
                .WithDescription("Apply exactly the plan shown, in dependency order (asks on a terminal unless --yes); a plan right after is empty")
                .WithExample("infra", "apply")
                .WithExample("infra", "apply", "--yes", "--json");
            infra.AddCommand<Commands.Infra.InfraDriftCommand>("drift")
                .WithDescription("The plan for CI: no colour, exit 2 when the servers drifted from the declaration")
                .WithExample("infra", "drift");
        });

        config.AddBranch<JsonSettings>("ingest", ingest =>
        {
            ingest.SetDescription("Change data capture from the source into the warehouse's bronze layer, exactly once");
            ingest.SetDefaultCommand<Commands.Ingest.IngestCommand>();
            ingest.AddExample("ingest");
            ingest.AddExample("ingest", "--once");
            ingest.AddExample("ingest", "--resync", "operations.orders");
            ingest.AddCommand<Commands.Ingest.IngestStatusCommand>("status")
                .WithDescription("The slot, its lag, the checkpoint, and each bronze table's rows and newest change")
                .WithExample("ingest", "status", "--json");
        });

        config.AddCommand<StatusCommand>("status")
            .WithDescription("The running strata up: freshness, workers, runs, failing tests (through its API)")
            .WithExample("status")
            .WithExample("status", "--json");

        config.AddCommand<Commands.Ingest.ReconcileCommand>("reconcile")
            .WithDescription("Prove bronze equals the source: a consistent source snapshot at a known LSN against the state rebuilt from bronze as of it")
            .WithExample("reconcile")
            .WithExample("reconcile", "operations.orders", "operations.order_items", "--json");

        config.AddCommand<Commands.Transform.BuildCommand>("build")
            .WithDescription("Build and test the analytics project's models in dependency order; a failure skips what depends on it")
            .WithExample("build")
            .WithExample("build", "--select", "source:bronze.orders+")
            .WithExample("build", "--full-refresh", "--select", "tag:silver");
        config.AddCommand<Commands.Transform.SeedCommand>("seed")
            .WithDescription("Load the project's CSV seeds (seeds/**/*.csv) as tables; an unchanged file is not loaded again")
            .WithExample("seed")
            .WithExample("seed", "--full-refresh", "--select", "country_codes");
        config.AddCommand<Commands.Transform.RunCommand>("run")
            .WithDescription("Build the selected models (incremental and changelog models take only what is new)")
            .WithExample("run")
            .WithExample("run", "--select", "+fct_orders", "--exclude", "tag:history");
        config.AddCommand<Commands.Transform.TestCommand>("test")
            .WithDescription("Run the data tests of the selected models and show failing rows")
            .WithExample("test")
            .WithExample("test", "--select", "orders");
        config.AddCommand<Commands.Transform.CompileCommand>("compile")
            .WithDescription("Render the selected models' SQL into target/compiled/ without running it")
            .WithExample("compile", "--select", "fct_orders");
        config.AddCommand<Commands.Transform.DocsCommand>("docs")
            .WithDescription("Write the project's documentation as a static, offline site into target/docs/: every model, source, seed, test and column, the DAG, column lineage")
            .WithExample("docs")
            .WithExample("docs", "--out", "site", "--json");
        config.AddCommand<Commands.Transform.ListCommand>("ls")
            .WithDescription("List the selected models in build order")
            .WithExample("ls", "--select", "tag:gold");
        config.AddCommand<Commands.Transform.FreshnessCommand>("freshness")
            .WithDescription("How old the newest change of each source table is, against its thresholds (exit 1 past error_after)")
            .WithExample("freshness", "--json");

        config.AddBranch("report", report =>
        {
            report.SetDescription("The business reports: run them into files, deliver them to folders or by e-mail, on schedules");
            report.AddCommand<Commands.Report.ReportListCommand>("list")
                .WithDescription("Every report: title, parameters, schedules, last delivery")
                .WithExample("report", "list", "--json");
            report.AddCommand<Commands.Report.ReportRunCommand>("run")
                .WithDescription("Run reports into csv, xlsx, html or json files (never overwriting), or as a table on the terminal")
                .WithExample("report", "run")
                .WithExample("report", "run", "open_orders_by_delivery_date", "--format", "xlsx", "--out", "out")
                .WithExample("report", "run", "--all", "--format", "html")
                .WithExample("report", "run", "top_delivery_dates", "--param", "limit=5");
            report.AddCommand<Commands.Report.ReportDeliverCommand>("deliver")
                .WithDescription("Deliver reports now to every target of their schedules (folders, e-mail)")
                .WithExample("report", "deliver")
                .WithExample("report", "deliver", "open_items_by_product");
            report.AddCommand<Commands.Report.ReportScheduleCommand>("schedule")
                .WithDescription("Run the schedules' deliveries when due, until Ctrl+C")
                .WithExample("report", "schedule");
            report.AddCommand<Commands.Report.ReportLogCommand>("log")
                .WithDescription("Every delivery attempt: when, where, rows, bytes, status, error")
                .WithExample("report", "log", "--limit", "20");
        });

        config.AddCommand<DoctorCommand>("doctor")
            .WithDescription("Check the PostgreSQL programs, the source, wal_level, replication capacity, the CDC login and the publication")
            .WithExample("doctor")
            .WithExample("doctor", "--json");

        config.AddBranch("config", branch =>
        {
            branch.SetDescription("The project's configuration");
            branch.AddCommand<ConfigShowCommand>("show")
                .WithDescription("Show every setting's effective value and where it came from (secrets as ***)")
                .WithExample("config", "show")
                .WithExample("config", "show", "--json", "--project", "analytics");
        });
    }
}
