using System.Diagnostics;
using Strata.Output;
using Strata.Reports.Definitions;
using Strata.Reports.Delivery;
using Strata.Reports.Writers;
using Strata.Text;
using Strata.Transform;
using Strata.Warehouse;

namespace Strata.Reports;

/// <summary>
/// The business reports of an analytics project: run them into files (CSV, XLSX, HTML, JSON), and deliver them to
/// folders or by e-mail — now, or on their cron schedules — with retries and a delivery log.
/// </summary>
public sealed class ReportService
{
    private readonly TransformService _transform;
    private readonly IWarehouse _warehouse;
    private readonly SmtpSettings _smtp;
    private readonly IStrataConsole _console;
    private readonly DeliveryLog _log;
    private readonly string _projectDirectory;

    /// <summary>Creates the service over a loaded project; folder targets are relative to <paramref name="projectDirectory"/> (the Strata project).</summary>
    public ReportService(TransformService transform, IWarehouse warehouse, SmtpSettings smtp, IStrataConsole console, string projectDirectory)
    {
        _projectDirectory = projectDirectory;
        ArgumentNullException.ThrowIfNull(transform);
        _transform = transform;
        _warehouse = warehouse;
        _smtp = smtp;
        _console = console;
        _log = new DeliveryLog(warehouse);
        Reports = ReportLoader.Load(transform.Graph.Project.Directory);
    }

    /// <summary>The reports of a loaded project, with <c>smtp.*</c> and folder targets taken from the Strata project's configuration.</summary>
    public static ReportService From(Configuration.StrataConfig config, TransformService transform, IWarehouse warehouse, IStrataConsole console)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new ReportService(transform, warehouse, SmtpSettings.Read(config), console, config.ProjectDirectory)
        {
            EscapeCsvFormulas = config.Text(Configuration.Settings.ReportsCsvEscapeFormulas) != "false",
        };
    }

    /// <summary>Every report, by name.</summary>
    public IReadOnlyList<Report> Reports { get; }

    /// <summary>How many times a transient delivery failure is retried.</summary>
    public int Retries { get; init; } = 3;

    /// <summary>First retry delay (doubling, with jitter).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>CSV cells that start like a formula get a leading <c>'</c> (<c>reports.csv_escape_formulas</c>, on by default).</summary>
    public bool EscapeCsvFormulas { get; init; } = true;

    /// <summary>How the host measures the age of a report's data, for <c>only_if_fresh</c>; null outside the host, where it is not known and does not hold a delivery back.</summary>
    public DeliveryFreshness? Freshness { get; set; }

    /// <summary>How often <c>only_if_fresh: wait</c> looks again.</summary>
    public TimeSpan FreshnessPoll { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Times the retries' backoff (tests pass a fake clock).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>A report by name; an unknown name is a one-line error listing the reports.</summary>
    public Report Find(string name) =>
        Reports.FirstOrDefault(r => r.Name == name) ?? throw new TransformException(
            $"no report {name}{Suggestions.DidYouMean(name, Reports.Select(r => r.Name))}; reports: {string.Join(", ", Reports.Select(r => r.Name))}");

    /// <summary>Runs a report with parameter values (text, checked against the report's declarations).</summary>
    public Task<ReportResult> RunAsync(Report report, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default) =>
        new ReportRunner(_transform, _warehouse).RunAsync(report, parameters, cancellationToken);

    /// <summary>Checks that <paramref name="format"/> is one the writers know, before any report runs.</summary>
    /// <exception cref="Errors.UsageException">It is not.</exception>
    public static void RequireFormat(string format) => ReportWriters.For(format);

    /// <summary>Writes a result as <paramref name="format"/> into <paramref name="folder"/>; returns the files.</summary>
    public Task<IReadOnlyList<string>> WriteAsync(ReportResult result, string format, string folder, CancellationToken cancellationToken = default) =>
        ReportWriters.WriteFilesAsync(result, format, folder, cancellationToken, EscapeCsvFormulas);

    /// <summary>Delivers the named reports (all with schedules when none is named) to every target of every schedule, now.</summary>
    public async Task<IReadOnlyList<DeliveryRecord>> DeliverAsync(IReadOnlyList<string> names, CancellationToken cancellationToken = default)
    {
        var reports = names.Count == 0 ? Reports.Where(r => r.Schedules.Count > 0).ToList() : names.Select(Find).ToList();
        var records = new List<DeliveryRecord>();
        foreach (var report in reports)
        {
            if (report.Schedules.Count == 0)
            {
                throw new TransformException($"{report.Path}: report {report.Name} has no schedules: add one with targets to deliver it");
            }

            foreach (var schedule in report.Schedules)
            {
                records.AddRange(await DeliverAsync(report, schedule, cancellationToken));
            }
        }

        return records;
    }

    /// <summary>Runs due deliveries until cancelled (what <c>strata report schedule</c> and the host do).</summary>
    public async Task ScheduleAsync(TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var plan = Reports.SelectMany(r => r.Schedules.Select(s => (Report: r, Schedule: s))).ToList();
        if (plan.Count == 0)
        {
            throw new TransformException("no report has a schedule; add schedules: to a report's yml");
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var next = plan.Select(p => (p.Report, p.Schedule, At: p.Schedule.Expression.GetNextOccurrence(now, p.Schedule.TimeZone)))
                .Where(p => p.At is not null).OrderBy(p => p.At).ToList();
            if (next.Count == 0)
            {
                return;
            }

            var at = next[0].At!.Value;
            _console.Info($"Next delivery: {next[0].Report.Name} at {at:yyyy-MM-dd HH:mm:ss} UTC.");
            await Task.Delay(at - now > TimeSpan.Zero ? at - now : TimeSpan.Zero, clock, cancellationToken);
            foreach (var due in next.Where(p => p.At == at))
            {
                try
                {
                    await DeliverAsync(due.Report, due.Schedule, cancellationToken);
                }
                catch (Errors.StrataException ex)
                {
                    // One failed delivery never stops the others; it is in the log.
                    _console.Error($"{due.Report.Name}: {ex.Message}");
                }
            }
        }
    }

    /// <summary>The newest delivery attempts first.</summary>
    public async Task<IReadOnlyList<DeliveryRecord>> LogAsync(int limit = 50, CancellationToken cancellationToken = default)
    {
        return await _log.ReadAsync(limit, cancellationToken);
    }

    /// <summary>Delivers one schedule of a report to each of its targets now (what the host does when the schedule is due).</summary>
    public async Task<IReadOnlyList<DeliveryRecord>> DeliverAsync(Report report, ReportSchedule schedule, CancellationToken cancellationToken = default)
    {
        await _log.EnsureAsync(cancellationToken);
        var result = await RunAsync(report, schedule.Parameters, cancellationToken);
        var conditions = schedule.Conditions ?? DeliveryConditions.None;
        if (conditions.OnlyIfFresh == "wait" && DeliveryGate.Stale(result, Freshness) is { } stale)
        {
            // Wait for the data rather than send what is stale; run it again once it has caught up.
            var waitStarted = Clock.GetTimestamp();
            _console.Info($"{report.Name}: waiting up to {conditions.WaitUpTo.TotalMinutes:0.#} min for fresh data ({stale}).");
            while (DeliveryGate.Stale(result, Freshness) is not null && Clock.GetElapsedTime(waitStarted) < conditions.WaitUpTo)
            {
                await Task.Delay(FreshnessPoll, Clock, cancellationToken);
                result = await RunAsync(report, schedule.Parameters, cancellationToken);
            }
        }

        if (await DeliveryGate.WhyNotAsync(result, conditions, Freshness, _transform, _warehouse, cancellationToken) is { } why)
        {
            var skipped = schedule.Targets.Select(t => new DeliveryRecord(DateTime.UtcNow, report.Name, t.ToString(), string.Join(",", schedule.Formats), 0, result.Rows.Count, 0,
                TimeSpan.Zero, "skipped", why + (conditions.OnlyIfFresh == "wait" && why.StartsWith("only_if_fresh", StringComparison.Ordinal) ? $" after waiting {conditions.WaitUpTo.TotalMinutes:0.#} min" : ""))).ToList();
            foreach (var record in skipped)
            {
                await _log.RecordAsync(record, cancellationToken);
            }

            _console.Warning($"{report.Name}: not delivered: {skipped[0].Error}");
            return skipped;
        }

        var records = new List<DeliveryRecord>();
        foreach (var target in schedule.Targets)
        {
            var attempt = 0;
            var retry = Errors.RetryPolicy.Create(Clock, Retries, RetryDelay, isTransient: e => e is DeliveryException { IsTransient: true });
            try
            {
                await retry.ExecuteAsync(async token =>
                {
                    attempt++;
                    records.Add(await AttemptAsync(result, schedule, target, attempt, token));
                }, cancellationToken);
            }
            catch (DeliveryException ex)
            {
                // Every attempt is in the log; the caller gets the outcome per target.
                _console.Error($"{report.Name} → {target}: {ex.Message}");
                records.Add(new DeliveryRecord(DateTime.UtcNow, report.Name, target.ToString(), string.Join(",", schedule.Formats), attempt, result.Rows.Count, 0, TimeSpan.Zero, "failed", ex.Message));
            }
        }

        return records;
    }

    private async Task<DeliveryRecord> AttemptAsync(ReportResult result, ReportSchedule schedule, DeliveryTarget target, int attempt, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var formats = string.Join(",", schedule.Formats);
        var folder = target.Kind == "folder"
            ? Path.GetFullPath(target.Address, _projectDirectory)
            : Path.Combine(Path.GetTempPath(), "strata-mail", Guid.NewGuid().ToString("N"));
        try
        {
            var files = new List<string>();
            foreach (var format in schedule.Formats)
            {
                files.AddRange(await WriteAsync(result, format, folder, cancellationToken));
            }

            if (target.Kind == "email")
            {
                await new EmailSender(_smtp).SendAsync(result, target.Address, files, cancellationToken);
            }

            var record = new DeliveryRecord(DateTime.UtcNow, result.Report.Name, target.ToString(), formats, attempt, result.Rows.Count,
                files.Sum(f => new FileInfo(f).Length), clock.Elapsed, "delivered", null);
            await _log.RecordAsync(record, cancellationToken);
            _console.Success($"{result.Report.Name} → {target}: {formats}, {result.Rows.Count:N0} rows.");
            return record;
        }
        catch (Exception ex) when (ex is Errors.StrataException)
        {
            await _log.RecordAsync(new DeliveryRecord(DateTime.UtcNow, result.Report.Name, target.ToString(), formats, attempt, result.Rows.Count, 0, clock.Elapsed, "failed", ex.Message), cancellationToken);
            if (ex is DeliveryException { IsTransient: true })
            {
                _console.Warning($"{result.Report.Name} → {target}: attempt {attempt} failed ({ex.Message}); retrying");
            }

            throw ex as DeliveryException ?? new DeliveryException(ex.Message, ex, transient: false);
        }
        finally
        {
            if (target.Kind == "email" && Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
