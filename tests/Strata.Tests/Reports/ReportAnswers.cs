using System.Globalization;
using CsvHelper;
using Strata.Testing;
using Strata.Tests.Ingestion;

namespace Strata.Tests.Reports;

/// <summary>The finance reports' questions asked of the source, and report files read back in one comparable text form.</summary>
internal static class ReportAnswers
{
    /// <summary>Each report's question asked of the source, in the report's order.</summary>
    public static readonly Dictionary<string, string> Questions = new()
    {
        ["open_orders_by_delivery_date"] = "SELECT delivery_date, status, count(*) FROM operations.orders WHERE status <> 'COMPLETED' GROUP BY 1, 2 ORDER BY 1, 2",
        ["top_delivery_dates"] = "SELECT delivery_date, count(*) FROM operations.orders WHERE status <> 'COMPLETED' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3",
        ["open_items_by_product"] =
            "SELECT p.product_id, p.product_name, count(*), sum(i.quanity) FROM operations.order_items i JOIN operations.orders o USING (order_id) " +
            "JOIN operations.products p USING (product_id) WHERE o.status <> 'COMPLETED' GROUP BY 1, 2 ORDER BY 3 DESC, 1",
        ["top_customers_pending"] =
            "SELECT c.customer_id, c.customer_name, count(*) FROM operations.orders o JOIN operations.customers c USING (customer_id) " +
            "WHERE o.status <> 'COMPLETED' GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 3",
    };

    /// <summary>The source's answer, in the canonical form.</summary>
    public static async Task<List<string>> SourceAsync(PostgresServer server, string database, string sql) =>
        (await BronzeReader.SourceQueryAsync(server, database, sql)).Select(Canonical).ToList();

    /// <summary>One text form for a row, whatever read it: dates as yyyy-MM-dd, numbers invariant.</summary>
    public static string Canonical(string row) => string.Join('|', row.Split('|').Select(v =>
        DateTime.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : decimal.TryParse(v, NumberStyles.Number, CultureInfo.InvariantCulture, out var m) ? m.ToString("0.##########", CultureInfo.InvariantCulture)
        : v));

    /// <summary>A report's CSV rows (header skipped), canonical.</summary>
    public static List<string> ReadCsv(string file)
    {
        using var reader = CsvReader.FromFile(file, new CsvReaderOptions { HasHeader = true, AllowLineBreaksInQuotes = true }, FileOptions.None);
        var rows = new List<string>();
        foreach (var record in reader)
        {
            rows.Add(Canonical(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(reader.GetString))));
        }

        return rows;
    }
}
