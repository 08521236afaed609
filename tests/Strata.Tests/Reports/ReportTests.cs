using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClosedXML.Excel;
using Spectre.Console.Testing;
using Strata.Testing;
using Strata.Tests.Source;
using Strata.Tests.Transform;

namespace Strata.Tests.Reports;

/// <summary>The four finance reports against the source, every writer read back, delivery by folder and e-mail, and the user errors.</summary>
public abstract partial class ReportTests(string engine) : SharedServerTest($"reports_{engine}", initialize: true)
{
    private string Out => Path.Combine(Project.Directory, "out");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        TransformProjects.UseWarehouse(Project, Server, engine, "reports");
        // A copy of the finance project, so a test can add a schedule.
        var analytics = Path.Combine(Project.Directory, "analytics");
        TransformProjects.CopyFinanceProject(analytics);
        Project.Environment["STRATA_TRANSFORM_PROJECT"] = analytics;
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "80", "--items-per-order", "3")).ExitCode);
        var simulate = await Project.RunAsync("source", "simulate", "--speed", "3000", "--duration", "1s", "--delete-rate", "0.05");
        Assert.True(simulate.ExitCode == 0, simulate.ToString());
        var ingest = await Project.RunAsync("ingest", "--once");
        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        var build = await Project.RunAsync("build");
        Assert.True(build.ExitCode == 0, build.ToString());
    }

    [Fact]
    public async Task The_four_reports_equal_the_source_in_every_format()
    {
        foreach (var format in new[] { "csv", "xlsx", "html", "json" })
        {
            var run = await Project.RunAsync("report", "run", "--all", "--format", format, "--out", Out);
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        foreach (var (report, sql) in ReportAnswers.Questions)
        {
            var expected = await SourceAsync(sql);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, ReportAnswers.ReadCsv(Single(report, "csv")));
            Assert.Equal(expected, ReadXlsx(Single(report, "xlsx")));
            Assert.Equal(expected, ReadHtml(Single(report, "html"), out var html));
            Assert.Contains("<svg", html, StringComparison.Ordinal);
            Assert.Contains("class=\"bar\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);

            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Single(report, "json")));
            Assert.Equal(expected.Count, json.RootElement.GetProperty("rows").GetArrayLength());
            Assert.StartsWith("0/", json.RootElement.GetProperty("as_of").GetProperty("lsn").GetString(), StringComparison.Ordinal);
            using var meta = JsonDocument.Parse(await File.ReadAllTextAsync(Path.ChangeExtension(Single(report, "csv"), ".meta.json")));
            Assert.Equal(expected.Count, meta.RootElement.GetProperty("row_count").GetInt32());
            Assert.Equal(JsonValueKind.String, meta.RootElement.GetProperty("as_of").GetProperty("commit_time").ValueKind);
        }

        // A second run never overwrites the first.
        Assert.Equal(0, (await Project.RunAsync("report", "run", "top_delivery_dates", "--format", "csv", "--out", Out)).ExitCode);
        Assert.Equal(2, Directory.GetFiles(Out, "top_delivery_dates_*.csv").Length);
    }

    [Fact]
    public async Task Xlsx_reports_are_valid_workbooks_with_a_native_chart_over_the_chart_data_and_a_table_over_the_rows()
    {
        var run = await Project.RunAsync("report", "run", "--all", "--format", "xlsx", "--out", Out);
        Assert.True(run.ExitCode == 0, run.ToString());
        // Which field of a report's rows is its chart's x, and which splits it into series.
        var charts = new Dictionary<string, (int X, int? Series, bool Dates)>
        {
            ["open_orders_by_delivery_date"] = (0, 1, true),
            ["top_delivery_dates"] = (0, null, true),
            ["open_items_by_product"] = (1, null, false),
            ["top_customers_pending"] = (1, null, false),
        };
        foreach (var (report, sql) in ReportAnswers.Questions)
        {
            var source = (await SourceAsync(sql)).Select(r => r.Split('|')).ToList();
            var (x, series, dates) = charts[report];
            var categories = source.Select(r => r[x]).Distinct().ToList();
            var names = series is { } s ? source.Select(r => r[s]).Distinct().ToList() : null;
            var file = Single(report, "xlsx");
            var structure = XlsxStructure.Read(file);
            Assert.Empty(structure.Errors);

            var lastColumn = (char)('A' + source[0].Length - 1);
            var rows = $"A4:{lastColumn}{4 + source.Count}";
            Assert.Equal([new XlsxFileTable(report, rows, rows)], structure.Tables);

            using var workbook = new XLWorkbook(file);
            var chart = Assert.Single(structure.Charts);
            Assert.Equal(("chart data", "bar", workbook.Worksheet(1).Cell(1, 1).GetString()), (chart.Sheet, chart.Kind, chart.Title));
            Assert.False(string.IsNullOrEmpty(chart.XTitle));
            Assert.False(string.IsNullOrEmpty(chart.YTitle));
            var last = categories.Count + 1;
            Assert.Equal(names?.Count ?? 1, chart.Series.Count);
            for (var i = 0; i < chart.Series.Count; i++)
            {
                var column = (char)('B' + i);
                Assert.Equal(
                    new XlsxFileSeries($"'chart data'!${column}$1", names?[i] ?? chart.YTitle, $"'chart data'!$A$2:$A${last}", $"'chart data'!${column}$2:${column}${last}", (uint)categories.Count),
                    chart.Series[i]);
            }

            var data = workbook.Worksheet("chart data");
            var xCells = Enumerable.Range(2, categories.Count).Select(r => data.Cell(r, 1)).ToList();
            Assert.True(data.Cell(last + 1, 1).IsEmpty());
            Assert.All(xCells, c => Assert.Equal(dates ? XLDataType.DateTime : XLDataType.Text, c.DataType));
            Assert.Equal(categories, xCells.Select(c => dates ? c.GetDateTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : c.GetString()));
        }
    }

    [Fact]
    public async Task A_report_is_as_of_the_gold_it_reads_not_the_silver_that_moved_on()
    {
        var before = await ReportJsonAsync("top_delivery_dates");

        // A status the silver tests reject: silver orders takes it in, its error test fails, every gold model is skipped.
        await Server.ExecuteAsync("UPDATE operations.orders SET status = 'BOGUS' WHERE order_id = (SELECT min(order_id) FROM operations.orders)", Project.Database);
        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);
        var failing = await Project.RunAsync("build");
        Assert.Equal(1, failing.ExitCode);
        var silver = await Strata.Tests.Ingestion.BronzeReader.QueryAsync(Project, "SELECT lsn FROM _strata.model_state WHERE model = 'orders'");
        var stale = await ReportJsonAsync("top_delivery_dates");

        // Silver moved past the report's rows; the report still says what its rows are as of, and they are unchanged.
        Assert.True(Convert.ToInt64(silver[0][0], CultureInfo.InvariantCulture) > before.Lsn, "silver orders should have moved on");
        Assert.Equal(before.Lsn, stale.Lsn);
        Assert.Equal(before.CommitTime, stale.CommitTime);
        Assert.Equal(before.Rows, stale.Rows);

        // Fixed at the source: gold is rebuilt, and its as-of moves with it.
        await Server.ExecuteAsync("UPDATE operations.orders SET status = 'PENDING' WHERE status = 'BOGUS'", Project.Database);
        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);
        var build = await Project.RunAsync("build");
        Assert.True(build.ExitCode == 0, build.ToString());
        var fresh = await ReportJsonAsync("top_delivery_dates");
        Assert.True(fresh.Lsn > before.Lsn);
        Assert.Equal(await SourceAsync(ReportAnswers.Questions["top_delivery_dates"]), ReportAnswers.ReadCsv(Single("top_delivery_dates", "csv")));
    }

    /// <summary>Runs a report to JSON and CSV (in a folder of its own) and returns its as-of and rows.</summary>
    private async Task<(long Lsn, string? CommitTime, string Rows)> ReportJsonAsync(string report)
    {
        if (Directory.Exists(Out))
        {
            Directory.Delete(Out, recursive: true);
        }

        foreach (var format in new[] { "json", "csv" })
        {
            var run = await Project.RunAsync("report", "run", report, "--format", format, "--out", Out);
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Single(report, "json")));
        var asOf = json.RootElement.GetProperty("as_of");
        var lsn = (long)(ulong)NpgsqlTypes.NpgsqlLogSequenceNumber.Parse(asOf.GetProperty("lsn").GetString()!);
        return (lsn, asOf.GetProperty("commit_time").GetString(), json.RootElement.GetProperty("rows").GetRawText());
    }

    [Fact]
    public async Task Parameters_are_bound_and_checked()
    {
        var run = await Project.RunAsync("report", "run", "open_orders_by_delivery_date", "--param", "status=PENDING", "--format", "csv", "--out", Out);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            await SourceAsync("SELECT delivery_date, status, count(*) FROM operations.orders WHERE status = 'PENDING' GROUP BY 1, 2 ORDER BY 1, 2"),
            ReportAnswers.ReadCsv(Single("open_orders_by_delivery_date", "csv")));

        foreach (var (arguments, message) in new[]
        {
            (new[] { "open_items_by_product", "--param", "min_items=many" }, "error: report open_items_by_product: parameter min_items must be an integer, not 'many'"),
            (["open_items_by_product", "--param", "min_item=2"], "error: report open_items_by_product has no parameter min_item (did you mean 'min_items'?); its parameters: min_items"),
            (["open_orders_by_delivery_date", "--param", "status=DONE"], "error: report open_orders_by_delivery_date: parameter status must be one of PENDING, PROCESSING, REPROCESSING, not 'DONE'"),
            (["top_delivery_date"], "error: no report top_delivery_date (did you mean 'top_delivery_dates'?); reports: open_items_by_product, open_orders_by_delivery_date, top_customers_pending, top_delivery_dates"),
            ([], "error: name the reports to run (or --all): open_items_by_product, open_orders_by_delivery_date, top_customers_pending, top_delivery_dates"),
        })
        {
            var result = await Project.RunAsync(["report", "run", .. arguments, "--format", "csv", "--out", Out]);
            Assert.Equal(1, result.ExitCode);
            Assert.Equal(message, result.Error.Trim());
        }

        var list = await Project.RunAsync("report", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        using (var reports = JsonDocument.Parse(list.Output))
        {
            Assert.Equal(ReportAnswers.Questions.Keys.Order(), reports.RootElement.EnumerateArray().Select(r => r.GetProperty("name").GetString()!).Order());
            var daily = reports.RootElement.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "open_orders_by_delivery_date");
            Assert.Equal("0 7 * * 1-5 Europe/Berlin → folder:reports/daily (csv,xlsx)", daily.GetProperty("schedules")[0].GetString());
        }

        var unwritable = Path.Combine(Project.Directory, "file-not-folder");
        await File.WriteAllTextAsync(unwritable, "x");
        var blocked = await Project.RunAsync("report", "run", "top_delivery_dates", "--format", "csv", "--out", unwritable);
        Assert.Equal(1, blocked.ExitCode);
        Assert.StartsWith($"error: --out {unwritable} is a file; give a folder", blocked.Error.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_are_emailed_with_their_files_and_a_bad_login_is_one_line_without_the_password()
    {
        const string password = "smtp-Secret-9137";
        using var smtp = new TestSmtpServer("reports", password);
        Project.Environment["STRATA_SMTP_HOST"] = "127.0.0.1";
        Project.Environment["STRATA_SMTP_PORT"] = smtp.Port.ToString(CultureInfo.InvariantCulture);
        Project.Environment["STRATA_SMTP_TLS"] = "none";
        Project.Environment["STRATA_SMTP_USER"] = "reports";
        Project.Environment["STRATA_SMTP_PASSWORD"] = password;
        await File.AppendAllTextAsync(Path.Combine(Project.Environment["STRATA_TRANSFORM_PROJECT"], "reports", "top_delivery_dates.yml"), """
            schedules:
              - cron: "0 6 * * *"
                formats: [csv, xlsx]
                targets:
                  - email: finance@example.com
                  - folder: delivered
            """);

        var deliver = await Project.RunAsync("report", "deliver", "top_delivery_dates");
        Assert.True(deliver.ExitCode == 0, deliver.ToString());
        var message = Assert.Single(smtp.Messages);
        Assert.Equal("finance@example.com", message.To.Mailboxes.Single().Address);
        Assert.Contains("Top 3 delivery dates", message.Subject, StringComparison.Ordinal);
        Assert.Contains("<table>", message.HtmlBody, StringComparison.Ordinal);
        var expected = await SourceAsync(ReportAnswers.Questions["top_delivery_dates"]);
        var attachments = message.Attachments.OfType<MimeKit.MimePart>().ToList();
        Assert.Equal(3, attachments.Count); // csv, its .meta.json, xlsx
        foreach (var attachment in attachments.Where(a => a.FileName is { } name && (name.EndsWith(".csv", StringComparison.Ordinal) || name.EndsWith(".xlsx", StringComparison.Ordinal))))
        {
            var file = Path.Combine(Project.Directory, attachment.FileName!);
            await using (var stream = File.Create(file))
            {
                await attachment.Content!.DecodeToAsync(stream);
            }

            Assert.Equal(expected, file.EndsWith(".csv", StringComparison.Ordinal) ? ReportAnswers.ReadCsv(file) : ReadXlsx(file));
        }

        Assert.Single(Directory.GetFiles(Path.Combine(Project.Directory, "delivered"), "top_delivery_dates_*.xlsx"));

        Project.Environment["STRATA_SMTP_PASSWORD"] = "wrong-" + password;
        var refused = await Project.RunAsync("report", "deliver", "top_delivery_dates");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("error: top_delivery_dates → email:finance@example.com: SMTP server 127.0.0.1:" + smtp.Port + " refused the login of reports", refused.Error, StringComparison.Ordinal);
        var log = await Project.RunAsync("report", "log", "--json");
        Assert.Contains("\"status\": \"failed\"", log.Output, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"delivered\"", log.Output, StringComparison.Ordinal);
        foreach (var text in new[] { deliver.All, refused.All, log.All })
        {
            Assert.DoesNotContain(password, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_scheduler_delivers_when_due_and_logs_it()
    {
        await File.AppendAllTextAsync(Path.Combine(Project.Environment["STRATA_TRANSFORM_PROJECT"], "reports", "top_customers_pending.yml"), """
            schedules:
              - cron: "*/1 * * * * *"
                time_zone: Europe/Berlin
                formats: [html]
                targets:
                  - folder: scheduled
            """);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3.5));
        var schedule = await Project.RunAsync(stop.Token, "report", "schedule");
        Assert.True(schedule.ExitCode == 0, schedule.ToString());
        var delivered = Directory.GetFiles(Path.Combine(Project.Directory, "scheduled"), "top_customers_pending_*.html");
        Assert.InRange(delivered.Length, 2, 5);
        var log = await Project.RunAsync("report", "log", "--json");
        Assert.Contains("\"target\": \"folder:scheduled\"", log.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_no_name_on_a_terminal_a_picker_chooses_the_reports()
    {
        using var console = new TestConsole();
        var terminal = console.Interactive();
        // The choices are in name order: pick the first and the third, then run.
        terminal.Input.PushKey(ConsoleKey.Spacebar);
        terminal.Input.PushKey(ConsoleKey.DownArrow);
        terminal.Input.PushKey(ConsoleKey.DownArrow);
        terminal.Input.PushKey(ConsoleKey.Spacebar);
        terminal.Input.PushKey(ConsoleKey.Enter);

        var run = await Project.RunInTerminalAsync(terminal, "report", "run", "--format", "html", "--out", Out);
        Assert.True(run.ExitCode == 0, run + terminal.Output);
        Assert.Contains("Which reports?", terminal.Output, StringComparison.Ordinal);
        Assert.Equal(["open_items_by_product", "top_customers_pending"],
            Directory.GetFiles(Out, "*.html").Select(f => Regex.Replace(Path.GetFileNameWithoutExtension(f), @"_\d{8}T\d{6}Z(_\d+)?$", "")).Order());
    }

    [Fact]
    public async Task A_transient_delivery_failure_is_retried_and_every_attempt_is_logged()
    {
        Project.Environment["STRATA_SMTP_HOST"] = "127.0.0.1";
        Project.Environment["STRATA_SMTP_PORT"] = Strata.Source.Local.FreePort.Find().ToString(CultureInfo.InvariantCulture); // nobody listens
        Project.Environment["STRATA_SMTP_TLS"] = "none";
        await File.AppendAllTextAsync(Path.Combine(Project.Environment["STRATA_TRANSFORM_PROJECT"], "reports", "top_delivery_dates.yml"), """
            schedules:
              - cron: "0 6 * * *"
                targets:
                  - email: finance@example.com
                  - folder: still-delivered
            """);
        var config = Project.LoadConfig();
        await using (var warehouse = await Strata.Platform.Warehouses.OpenAsync(config))
        {
            var transform = await Strata.Transform.TransformService.OpenAsync(
                Project.Environment["STRATA_TRANSFORM_PROJECT"], warehouse, Path.Combine(Project.Directory, "target"), Strata.Output.NullConsole.Instance);
            var reports = new Strata.Reports.ReportService(transform, warehouse, Strata.Reports.Delivery.SmtpSettings.Read(config), Strata.Output.NullConsole.Instance, Project.Directory)
            {
                Retries = 2,
                RetryDelay = TimeSpan.FromMilliseconds(20),
            };
            var outcome = await reports.DeliverAsync(["top_delivery_dates"]);
            Assert.Equal(["email:finance@example.com|failed", "folder:still-delivered|delivered"], outcome.Select(o => $"{o.Target}|{o.Status}").Order());
            var log = await reports.LogAsync();
            Assert.Equal([1, 2, 3], log.Where(d => d.Target.StartsWith("email:", StringComparison.Ordinal)).Select(d => d.Attempt).Order());
            Assert.All(log.Where(d => d.Target.StartsWith("email:", StringComparison.Ordinal)), d => Assert.Contains("could not send report top_delivery_dates", d.Error, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_schedule_delivers_only_fresh_tested_non_empty_data_and_says_why_it_skipped()
    {
        var analytics = Project.Environment["STRATA_TRANSFORM_PROJECT"];
        await File.AppendAllTextAsync(Path.Combine(analytics, "reports", "open_items_by_product.yml"), """
            schedules:
              - cron: "0 6 * * *"
                only_if_fresh: skip
                only_if_tests_pass: true
                targets:
                  - folder: gated
              - cron: "0 7 * * *"
                skip_if_empty: true
                params: {min_items: "1000000"}
                targets:
                  - folder: empty
            """);
        var config = Project.LoadConfig();
        await using var warehouse = await Strata.Platform.Warehouses.OpenAsync(config);
        var transform = await Strata.Transform.TransformService.OpenAsync(analytics, warehouse, Path.Combine(Project.Directory, "target"), Strata.Output.NullConsole.Instance);
        var age = TimeSpan.Zero;
        var reports = Strata.Reports.ReportService.From(config, transform, warehouse, Strata.Output.NullConsole.Instance);
        reports.Freshness = new Strata.Reports.Delivery.DeliveryFreshness(relations => relations.Count > 0 ? age : null, () => TimeSpan.FromMinutes(2));
        var report = reports.Find("open_items_by_product");
        var (gated, empty) = (report.Schedules[0], report.Schedules[1]);

        // Fresh, tested data goes out; a parameter that leaves no rows skips the schedule that asks for it.
        Assert.Equal(["delivered"], (await reports.DeliverAsync(report, gated)).Select(r => r.Status));
        var none = Assert.Single(await reports.DeliverAsync(report, empty));
        Assert.Equal(("skipped", "skip_if_empty: the report has no rows"), (none.Status, none.Error));
        Assert.False(Directory.Exists(Path.Combine(Project.Directory, "empty")));

        // Data older than freshness.error_after is held back, and the record says by how much.
        age = TimeSpan.FromMinutes(10);
        var stale = Assert.Single(await reports.DeliverAsync(report, gated));
        Assert.Equal("skipped", stale.Status);
        Assert.StartsWith("only_if_fresh: its data is 600 s old", stale.Error, StringComparison.Ordinal);

        // A failing error test upstream (silver orders rejects the status) holds it back too, naming the test.
        age = TimeSpan.Zero;
        await Server.ExecuteAsync("UPDATE operations.orders SET status = 'BOGUS' WHERE order_id = (SELECT min(order_id) FROM operations.orders)", Project.Database);
        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);
        Assert.Equal(1, (await Project.RunAsync("build")).ExitCode);
        var untested = Assert.Single(await reports.DeliverAsync(report, gated));
        Assert.Equal("skipped", untested.Status);
        Assert.Matches("^only_if_tests_pass: test [a-z_]*status[a-z_]* on [a-z_]+ fails$", untested.Error);
        Assert.Equal(["delivered", "skipped", "skipped", "skipped"], (await reports.LogAsync()).Select(l => l.Status).Order());
        Assert.Single(Directory.GetFiles(Path.Combine(Project.Directory, "gated")), f => f.EndsWith(".csv", StringComparison.Ordinal));
    }

    private string Single(string report, string extension) =>
        Directory.GetFiles(Out, $"{report}_*.{extension}").Where(f => !f.EndsWith(".meta.json", StringComparison.Ordinal)).Order().First();

    private Task<List<string>> SourceAsync(string sql) => ReportAnswers.SourceAsync(Server, Project.Database, sql);

    private static List<string> ReadXlsx(string file)
    {
        using var workbook = new XLWorkbook(file);
        var sheet = workbook.Worksheet(1);
        var rows = new List<string>();
        for (var r = 5; !sheet.Cell(r, 1).IsEmpty(); r++)
        {
            var cells = sheet.Row(r).CellsUsed().Select(c => c.DataType == XLDataType.DateTime
                ? c.GetDateTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : c.DataType == XLDataType.Number ? c.GetDouble().ToString(CultureInfo.InvariantCulture) : c.GetString());
            rows.Add(ReportAnswers.Canonical(string.Join('|', cells)));
        }

        return rows;
    }

    private static List<string> ReadHtml(string file, out string html)
    {
        html = File.ReadAllText(file);
        return TableRow().Matches(html)
            .Select(row => ReportAnswers.Canonical(string.Join('|', TableCell().Matches(row.Groups[1].Value).Select(c => System.Net.WebUtility.HtmlDecode(c.Groups[1].Value).Replace(",", "", StringComparison.Ordinal)))))
            .ToList();
    }

    [GeneratedRegex("<tr>((?:<td[^>]*>.*?</td>)+)</tr>")]
    private static partial Regex TableRow();

    [GeneratedRegex("<td[^>]*>(.*?)</td>")]
    private static partial Regex TableCell();
}

public sealed class DuckDbReportTests() : ReportTests("duckdb");

public sealed class PostgresReportTests() : ReportTests("postgres");
