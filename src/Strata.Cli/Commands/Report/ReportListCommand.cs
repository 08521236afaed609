using System.Globalization;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;

namespace Strata.Cli.Commands.Report;

/// <summary><c>strata report list</c>.</summary>
internal sealed class ReportListCommand(CliRuntime runtime, SpectreStrataConsole console) : ReportCommand<JsonSettings>(runtime, console)
{
    public override Task<int> ExecuteAsync(CommandContext context, JsonSettings settings, CancellationToken cancellationToken) =>
        WithReportsAsync(settings, async (reports, _) =>
        {
            var log = await reports.LogAsync(1000, cancellationToken);
            var rows = reports.Reports.Select(r => new
            {
                r.Name,
                r.Title,
                Parameters = r.Parameters.Select(p => $"{p.Name} ({p.Type}{(p.Default is null ? "" : $", default {p.Default}")})").ToList(),
                Schedules = r.Schedules.Select(s => $"{s.Cron} {s.TimeZone.Id} → {string.Join(", ", s.Targets)} ({string.Join(",", s.Formats)})").ToList(),
                LastDelivery = log.FirstOrDefault(d => d.Report == r.Name && d.Status == "delivered")?.DeliveredAt,
            }).ToList();
            if (settings.Json)
            {
                Console.Json(rows);
                return 0;
            }

            Console.Table(["report", "title", "parameters", "schedules", "last delivery (UTC)"],
                rows.Select(r => (IReadOnlyList<string>)[r.Name, r.Title, string.Join("; ", r.Parameters), string.Join("; ", r.Schedules),
                    r.LastDelivery?.ToString("u", CultureInfo.InvariantCulture) ?? "-"]));
            return 0;
        }, cancellationToken);
}
