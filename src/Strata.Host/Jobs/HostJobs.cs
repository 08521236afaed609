using Strata.Configuration;
using Strata.Errors;
using Strata.Ingestion;
using Strata.Output;
using Strata.Reports;
using Strata.Text;
using Strata.Transform.Execution;
using Strata.Transform;
using Strata.Warehouse;

namespace Strata.Host.Jobs;

/// <summary>
/// The host's scheduled jobs, from <c>schedule.*</c> and the reports' schedules: every test of the project, reconcile,
/// source freshness, and each report delivery. They call the same services as <c>strata test</c>, <c>strata reconcile</c>,
/// <c>strata freshness</c> and <c>strata report deliver</c>.
/// </summary>
internal static class HostJobs
{
    public static List<ScheduledJob> Plan(StrataConfig config, OpenWarehouse openWarehouse, TransformService transform, ReportService reports)
    {
        var zoneText = config.Text(Settings.ScheduleTimeZone) ?? "UTC";
        var zone = CronText.FindTimeZone(zoneText, $"{Settings.ScheduleTimeZone.Path} ({config.Get(Settings.ScheduleTimeZone).Origin})");
        var jobs = new List<ScheduledJob>();
        void Add(SettingDefinition setting, string name, string[] needs, Func<CancellationToken, Task<JobOutcome>> run)
        {
            var cron = config.Text(setting)?.Trim();
            if (string.IsNullOrEmpty(cron) || cron == "off")
            {
                return;
            }

            jobs.Add(new ScheduledJob(name, cron, CronText.Parse(cron, $"{setting.Path} ({config.Get(setting).Origin})"), zone, needs, run));
        }

        Add(Settings.ScheduleTests, "tests", ["transformation"], async token =>
        {
            var summary = await transform.TestAsync(new RunOptions(), token);
            var failing = summary.Tests.Where(t => t.Status is "fail" or "error" or "warn").ToList();
            var detail = $"{summary.Tests.Count} tests: {summary.Tests.Count(t => t.Status == "pass")} passed" +
                (failing.Count == 0 ? "" : $", {failing.Count} not: {string.Join(", ", failing.Select(t => $"{t.Test} ({t.Status})"))}");
            return failing.Count == 0 ? JobOutcome.Success(detail) : JobOutcome.Warn(detail);
        });
        Add(Settings.ScheduleReconcile, "reconcile", ["ingestion"], async token =>
        {
            var result = await new IngestionService(config, openWarehouse, NullConsole.Instance).ReconcileAsync([], token);
            var differing = result.Tables.Where(t => !t.Equal).ToList();
            return differing.Count == 0
                ? JobOutcome.Success($"{result.Tables.Count} tables equal the source at {result.Lsn}")
                : JobOutcome.Warn($"{differing.Count} of {result.Tables.Count} tables differ from the source at {result.Lsn}: " +
                    string.Join("; ", differing.Select(t => $"{t.Table} ({t.SourceRows} source rows, {t.BronzeRows} in bronze, {t.MismatchCount} differing keys)")));
        });
        Add(Settings.ScheduleFreshness, "freshness", ["ingestion"], async token =>
        {
            var results = await transform.FreshnessAsync(token);
            var stale = results.Where(r => r.Status is "warn" or "error").ToList();
            var detail = stale.Count == 0
                ? $"{results.Count} sources fresh"
                : string.Join("; ", stale.Select(r => $"{r.Source} {r.Status}: {(r.Age is { } age ? $"{age.TotalSeconds:0} s old" : "no data")}"));
            return stale.Count == 0 ? JobOutcome.Success(detail) : JobOutcome.Warn(detail);
        });

        foreach (var report in reports.Reports)
        {
            foreach (var schedule in report.Schedules)
            {
                jobs.Add(new ScheduledJob($"report:{report.Name}", schedule.Cron, schedule.Expression, schedule.TimeZone, ["transformation"], async token =>
                {
                    var records = await reports.DeliverAsync(report, schedule, token);
                    var failed = records.Where(r => r.Status == "failed").ToList();
                    if (failed.Count > 0)
                    {
                        // Each target has had its own retries: what is left is a failure of the run.
                        throw new StrataException($"{failed.Count} of {schedule.Targets.Count} deliveries failed: {string.Join("; ", failed.Select(f => $"{f.Target}: {f.Error}"))}");
                    }

                    if (records.Count > 0 && records.All(r => r.Status == "skipped"))
                    {
                        return JobOutcome.Warn($"skipped: {records[0].Error}");
                    }

                    return JobOutcome.Success($"delivered {string.Join(", ", schedule.Formats)} to {string.Join(", ", schedule.Targets)}");
                }));
            }
        }

        return jobs;
    }
}
