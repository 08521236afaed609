using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Configuration;
using Strata.Errors;
using Strata.Host;
using Strata.Host.Web;

namespace Strata.Cli.Commands.Report;

/// <summary><c>strata report run</c>: run reports into files or onto the terminal.</summary>
internal sealed class ReportRunCommand(CliRuntime runtime, SpectreStrataConsole console) : ReportCommand<ReportRunCommand.Options>(runtime, console)
{
    internal sealed class Options : JsonSettings
    {
        [CommandArgument(0, "[REPORTS]")]
        [Description("Reports to run; none on a terminal opens a picker")]
        public string[] Reports { get; init; } = [];

        [CommandOption("--all")]
        [Description("Run every report")]
        public bool All { get; init; }

        [CommandOption("-f|--format <FORMAT>")]
        [Description("csv, xlsx, html, json, or table (the default on a terminal; csv otherwise)")]
        public string? Format { get; init; }

        [CommandOption("-o|--out <DIR>")]
        [Description("Folder for the files (default: reports.output, 'reports')")]
        public string? Out { get; init; }

        [CommandOption("-p|--param <NAME=VALUE>")]
        [Description("A parameter value (repeatable)")]
        public string[] Params { get; init; } = [];
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options settings, CancellationToken cancellationToken)
    {
        var config = LoadConfig(settings);
        using var host = HostClient.OwningWarehouse(config, TimeSpan.FromMinutes(10));
        return host is null
            ? await RunHereAsync(settings, cancellationToken)
            : await new ReportsThroughHost(host, Console).RunAsync(settings, Folder(settings, config), Format(settings), Parameters(settings), cancellationToken);
    }

    private string Format(Options settings) => settings.Format ?? (Console.IsInteractive ? "table" : "csv");

    private static Dictionary<string, string> Parameters(Options settings)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in settings.Params.Select(p => p.Split('=', 2)))
        {
            var name = pair[0].Trim();
            if (pair.Length != 2 || name.Length == 0)
            {
                throw new UsageException($"--param {pair[0]}: write it as NAME=VALUE");
            }

            if (!parameters.TryAdd(name, pair[1]))
            {
                throw new UsageException($"--param {name} is given twice ('{parameters[name]}' and '{pair[1]}'); give each parameter once");
            }
        }

        return parameters;
    }

    private static string Folder(Options settings, StrataConfig config) =>
        Path.GetFullPath(settings.Out ?? config.Text(Settings.ReportsOutput) ?? "reports", config.ProjectDirectory);

    private Task<int> RunHereAsync(Options settings, CancellationToken cancellationToken) =>
        WithReportsAsync(settings, async (reports, config) =>
        {
            var chosen = Choose(reports.Reports.Select(r => new ReportEntry(r.Name, r.Title)).ToList(), settings, Console).Select(reports.Find).ToList();
            var format = Format(settings);
            var parameters = Parameters(settings);
            var folder = Folder(settings, config);
            // What the command line got wrong is said before any report runs.
            if (format != "table")
            {
                Strata.Reports.ReportService.RequireFormat(format);
            }

            if (File.Exists(folder))
            {
                throw new UsageException($"--out {folder} is a file; give a folder (it is created when missing)");
            }

            var written = new List<object>();
            foreach (var report in chosen)
            {
                var result = await reports.RunAsync(report, parameters, cancellationToken);
                if (format == "table")
                {
                    Console.Table(result.Columns.Select(c => result.Column(c).Label).ToList(),
                        result.Rows.Select(r => (IReadOnlyList<string>)r.Select((_, i) => result.Display(r, i)).ToList()),
                        $"{report.Title} — {result.AsOfText}");
                    continue;
                }

                var files = await reports.WriteAsync(result, format, folder, cancellationToken);
                written.Add(new { report = report.Name, rows = result.Rows.Count, files, as_of_lsn = result.AsOfLsn, as_of_commit_time = result.AsOfCommitTime });
                if (!settings.Json)
                {
                    Console.Success($"{report.Name}: {result.Rows.Count.ToString("N0", CultureInfo.InvariantCulture)} rows → {Path.GetRelativePath(config.ProjectDirectory, files[0])}");
                }
            }

            if (settings.Json)
            {
                Console.Json(written);
            }

            return 0;
        }, cancellationToken);

    /// <summary>
    /// The reports to run: those named, all, or — on a terminal with none named — those picked. Here or through the
    /// host, whoever runs them rejects an unknown name with the list of reports.
    /// </summary>
    internal static IReadOnlyList<string> Choose(IReadOnlyList<ReportEntry> known, Options settings, SpectreStrataConsole console)
    {
        if (settings.All)
        {
            return known.Select(r => r.Name).ToList();
        }

        if (settings.Reports.Length > 0)
        {
            return settings.Reports;
        }

        if (!console.IsInteractive)
        {
            throw new UsageException($"name the reports to run (or --all): {string.Join(", ", known.Select(r => r.Name))}");
        }

        return console.Ansi.Prompt(new MultiSelectionPrompt<ReportEntry>()
            .Title("Which reports?")
            .InstructionsText("[grey](space to pick, enter to run)[/]")
            .UseConverter(r => $"{r.Name} — {r.Title}")
            .AddChoices(known)).Select(r => r.Name).ToList();
    }
}
