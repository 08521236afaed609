using System.Diagnostics;
using System.Globalization;
using System.Text;
using Strata.Ingestion;
using Strata.Output;
using Strata.Reports;
using Strata.Reports.Definitions;
using Strata.Reports.Delivery;
using Strata.Transform;
using Strata.Transform.Execution;

namespace Strata.Bench;

/// <summary>The four reports on the 10M-item data set (DuckDB and PostgreSQL warehouses), and a 1M-row CSV export against DuckDB's own COPY.</summary>
internal static class ReportBenchmark
{
    private static string Analytics => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../analytics"));

    public static async Task<string> RunAsync(BenchSource source)
    {
        var text = new StringBuilder();
        var duck = source.Config(("STRATA_INGEST_PIPELINE", "bench_duck"), ("STRATA_WAREHOUSE_PATH", Path.Combine(source.Directory, "bench.duckdb")));
        var postgres = source.Config(("STRATA_INGEST_PIPELINE", "bench_pg"), ("STRATA_WAREHOUSE_ENGINE", "postgres"), ("STRATA_WAREHOUSE_DATABASE", "strata_bench_wh"));
        text.AppendLine("| report | DuckDB (ms) | PostgreSQL (ms) | rows |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        var duckTimes = await TimeReportsAsync(source, duck, build: false);
        var (pgTimes, pgBuild) = await TimeWithBuildAsync(source, postgres);
        foreach (var (name, (ms, rows)) in duckTimes)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {ms:0} | {pgTimes[name].Ms:0} | {rows:N0} |"));
        }

        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Median of 5 runs each, `strata report run NAME` minus the file (query, parameters, as-of). The PostgreSQL warehouse was built first with `strata build --full-refresh` in {pgBuild:0.0} s."));
        text.AppendLine();
        text.Append(await CsvExportAsync(source, duck));
        return text.ToString();
    }

    private static async Task<(Dictionary<string, (double Ms, int Rows)>, double)> TimeWithBuildAsync(BenchSource source, Configuration.StrataConfig config)
    {
        await new IngestionService(config, Strata.Platform.Warehouses.Opener(config), NullConsole.Instance).RunAsync(new IngestOptions { Once = true });
        var clock = Stopwatch.StartNew();
        await using (var warehouse = await Strata.Platform.Warehouses.OpenAsync(config))
        {
            var transform = await TransformService.OpenAsync(Analytics, warehouse, Path.Combine(source.Directory, "target-pg"), NullConsole.Instance);
            await transform.BuildAsync(new RunOptions { FullRefresh = true });
        }

        var build = clock.Elapsed.TotalSeconds;
        return (await TimeReportsAsync(source, config, build: false), build);
    }

    private static async Task<Dictionary<string, (double Ms, int Rows)>> TimeReportsAsync(BenchSource source, Configuration.StrataConfig config, bool build)
    {
        await using var warehouse = await Strata.Platform.Warehouses.OpenAsync(config);
        var transform = await TransformService.OpenAsync(Analytics, warehouse, Path.Combine(source.Directory, "target"), NullConsole.Instance);
        if (build)
        {
            await transform.BuildAsync(new RunOptions());
        }

        var reports = new ReportService(transform, warehouse, SmtpSettings.Read(config), NullConsole.Instance, source.Directory);
        var times = new Dictionary<string, (double, int)>(StringComparer.Ordinal);
        foreach (var report in reports.Reports)
        {
            var samples = new List<double>();
            var rows = 0;
            for (var i = 0; i < 5; i++)
            {
                var clock = Stopwatch.StartNew();
                var result = await reports.RunAsync(report, new Dictionary<string, string>());
                samples.Add(clock.Elapsed.TotalMilliseconds);
                rows = result.Rows.Count;
            }

            samples.Sort();
            times[report.Name] = (samples[2], rows);
        }

        return times;
    }

    private static async Task<string> CsvExportAsync(BenchSource source, Configuration.StrataConfig config)
    {
        const int rows = 1_000_000;
        await using var warehouse = await Strata.Platform.Warehouses.OpenAsync(config);
        var transform = await TransformService.OpenAsync(Analytics, warehouse, Path.Combine(source.Directory, "target"), NullConsole.Instance);
        var reports = new ReportService(transform, warehouse, SmtpSettings.Read(config), NullConsole.Instance, source.Directory);
        var folder = Path.Combine(source.Directory, "export");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var query = $"select order_item_id, order_id, product_id, quantity, status, delivery_date, is_open from {{{{ ref('fct_order_items') }}}} order by order_item_id limit {rows}";
        var report = new Report("export_1m", "reports/export_1m.yml", query) { Title = "1M rows" };

        var copyFile = Path.Combine(folder, "duckdb_copy.csv");
        var clock = Stopwatch.StartNew();
        await warehouse.ExecuteAsync(
            $"COPY (select order_item_id, order_id, product_id, quantity, status, delivery_date, is_open from gold.fct_order_items order by order_item_id limit {rows}) TO '{copyFile}' (HEADER)");
        var copy = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var result = await reports.RunAsync(report, new Dictionary<string, string>());
        var query1 = clock.Elapsed.TotalSeconds;
        var files = await reports.WriteAsync(result, "csv", folder);
        var strata = clock.Elapsed.TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"""
            | 1,000,000-row result to CSV | seconds | rows/s | ratio |
            | --- | ---: | ---: | ---: |
            | DuckDB `COPY (…) TO 'file.csv' (HEADER)` (ceiling) | {copy:0.00} | {rows / copy:N0} | 1.00 |
            | `strata report run --format csv` (query {query1:0.00} s, then CsvHelper) | {strata:0.00} | {rows / strata:N0} | {copy / strata:0.00} |

            Files: {new FileInfo(copyFile).Length / 1024 / 1024:N0} MB and {new FileInfo(files[0]).Length / 1024 / 1024:N0} MB.
            """);
    }
}
