using Strata.Testing;
using Strata.Tests.Ingestion;

namespace Strata.Tests.Transform;

/// <summary>Helpers for tests of the model engine: warehouses, projects, and rows as comparable text.</summary>
internal static class TransformProjects
{
    /// <summary>The four business reports asked of the source directly, ordered like the gold models are read.</summary>
    public static readonly (string Model, string Sql)[] ReportQuestions =
    [
        ("rpt_open_orders_by_delivery_date",
            "SELECT delivery_date, status, count(*) FROM operations.orders WHERE status <> 'COMPLETED' GROUP BY 1, 2 ORDER BY 1, 2"),
        ("rpt_top_delivery_dates",
            "SELECT * FROM (SELECT delivery_date, count(*) FROM operations.orders WHERE status <> 'COMPLETED' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3) t ORDER BY 1, 2"),
        ("rpt_open_items_by_product",
            "SELECT p.product_id, p.product_name, count(*), sum(i.quanity) FROM operations.order_items i JOIN operations.orders o USING (order_id) " +
            "JOIN operations.products p USING (product_id) WHERE o.status <> 'COMPLETED' GROUP BY 1, 2 ORDER BY 1, 2"),
        ("rpt_top_customers_pending",
            "SELECT * FROM (SELECT c.customer_id, c.customer_name, count(*) FROM operations.orders o JOIN operations.customers c USING (customer_id) " +
            "WHERE o.status <> 'COMPLETED' GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 3) t ORDER BY 1, 2"),
    ];

    /// <summary>The repository's folder (where Strata.slnx is).</summary>
    public static string RepositoryRoot => Repository.Root;

    /// <summary>Writes a project's files (relative path → text).</summary>
    public static void Write(string folder, IReadOnlyDictionary<string, string> files)
    {
        foreach (var (path, text) in files)
        {
            var file = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
        }
    }

    /// <summary>Copies the finance project to <paramref name="to"/>, for a test that changes it.</summary>
    public static void CopyFinanceProject(string to)
    {
        var from = Path.Combine(RepositoryRoot, "analytics");
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public static void UseFinanceProject(TestProject project) =>
        project.Environment["STRATA_TRANSFORM_PROJECT"] = Path.Combine(RepositoryRoot, "analytics");

    /// <summary>Points the project at a warehouse of its own: a DuckDB file, or a database on the shared server.</summary>
    public static void UseWarehouse(TestProject project, PostgresServer server, string engine, string name)
    {
        project.Environment["STRATA_WAREHOUSE_ENGINE"] = engine;
        project.Environment["STRATA_INGEST_PIPELINE"] = $"{name}_{engine}";
        project.Environment["STRATA_WAREHOUSE_HOST"] = "127.0.0.1";
        project.Environment["STRATA_WAREHOUSE_PORT"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        project.Environment["STRATA_WAREHOUSE_USER"] = PostgresServer.Superuser;
        project.Environment["STRATA_WAREHOUSE_PASSWORD"] = server.Password;
        project.Environment["STRATA_WAREHOUSE_PATH"] = Path.Combine(project.Directory, $"{name}.duckdb");
        project.Environment["STRATA_WAREHOUSE_DATABASE"] = $"w_{engine}_{name}_{Guid.NewGuid().ToString("N")[..6]}";
    }

    /// <summary>How each test ended in a run's <c>--json</c> output: test name → status and failing rows.</summary>
    public static Dictionary<string, (string? Status, long Failures)> TestOutcomes(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.GetProperty("tests").EnumerateArray()
            .ToDictionary(t => t.GetProperty("test").GetString()!, t => (t.GetProperty("status").GetString(), t.GetProperty("failures").GetInt64()));
    }

    public static async Task<List<string>> RowsAsync(TestProject project, string sql) =>
        (await BronzeReader.QueryAsync(project, sql)).Select(BronzeReader.Normalise).ToList();
}
