using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;

namespace Strata.Cli.Commands.Report;

/// <summary>Options naming reports.</summary>
internal sealed class ReportNamesSettings : JsonSettings
{
    [CommandArgument(0, "[REPORTS]")]
    [Description("Reports (none: every report with a schedule)")]
    public string[] Reports { get; init; } = [];
}

/// <summary>Options of <c>strata report log</c>.</summary>
internal sealed class ReportLogSettings : JsonSettings
{
    [CommandOption("-n|--limit <N>")]
    [Description("How many attempts to show (newest first). Default 50")]
    public int Limit { get; init; } = 50;
}

/// <summary><c>strata report deliver</c>: deliver now to every target of every schedule.</summary>
internal sealed class ReportDeliverCommand(CliRuntime runtime, SpectreStrataConsole console) : ReportCommand<ReportNamesSettings>(runtime, console)
{
    public override Task<int> ExecuteAsync(CommandContext context, ReportNamesSettings settings, CancellationToken cancellationToken) =>
        WithReportsAsync(settings, async (reports, _) =>
        {
            var records = await reports.DeliverAsync(settings.Reports, cancellationToken);
            if (settings.Json)
            {
                Console.Json(records);
            }

            return records.All(r => r.Status == "delivered") ? 0 : 1;
        }, cancellationToken);
}

/// <summary><c>strata report schedule</c>: run due deliveries until Ctrl+C.</summary>
internal sealed class ReportScheduleCommand(CliRuntime runtime, SpectreStrataConsole console) : ReportCommand<JsonSettings>(runtime, console)
{
    public override Task<int> ExecuteAsync(CommandContext context, JsonSettings settings, CancellationToken cancellationToken) =>
        WithReportsAsync(settings, async (reports, _) =>
        {
            try
            {
                await reports.ScheduleAsync(TimeProvider.System, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            return 0;
        }, cancellationToken);
}

/// <summary><c>strata report log</c>: the delivery attempts.</summary>
internal sealed class ReportLogCommand(CliRuntime runtime, SpectreStrataConsole console) : ReportCommand<ReportLogSettings>(runtime, console)
{
    public override Task<int> ExecuteAsync(CommandContext context, ReportLogSettings settings, CancellationToken cancellationToken) =>
        WithReportsAsync(settings, async (reports, _) =>
        {
            var log = await reports.LogAsync(settings.Limit, cancellationToken);
            if (settings.Json)
            {
                Console.Json(log);
                return 0;
            }

            Console.Table(["when (UTC)", "report", "target", "formats", "try", "rows", "bytes", "ms", "status", "error"],
                log.Select(d => (IReadOnlyList<string>)[
                    d.DeliveredAt.ToString("u", CultureInfo.InvariantCulture), d.Report, d.Target, d.Format, d.Attempt.ToString(CultureInfo.InvariantCulture),
                    d.Rows.ToString("N0", CultureInfo.InvariantCulture), d.Bytes.ToString("N0", CultureInfo.InvariantCulture),
                    d.Duration.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture), d.Status, d.Error ?? ""]));
            return 0;
        }, cancellationToken);
}
