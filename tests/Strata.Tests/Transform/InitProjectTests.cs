using System.Text.Json;
using Strata.Tests.Ingestion;
using Strata.Tests.Source;
using Strata.Transform.Project;

namespace Strata.Tests.Transform;

/// <summary><c>strata init</c> on the finance source plus odd tables: the generated project loads, builds, and equals the source.</summary>
public sealed class InitProjectTests() : SharedServerTest("strata_init", initialize: true)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        TransformProjects.UseWarehouse(Project, Server, "duckdb", "init");
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--customers", "10", "--products", "10", "--orders", "20", "--items-per-order", "2")).ExitCode);
        // A name that needs quoting, a reserved word and a brace as columns, a composite key, and a table without a key.
        await Server.ExecuteAsync("""
            CREATE TABLE operations."Order Lines" ("Line Id" int PRIMARY KEY, "select" text, "note{x}" text, qty int);
            INSERT INTO operations."Order Lines" SELECT g, 's' || g, 'n' || g, g * 2 FROM generate_series(1, 5) g;
            CREATE TABLE operations.pairs (a int, b int, v text, PRIMARY KEY (a, b));
            INSERT INTO operations.pairs SELECT g % 2, g, 'v' || g FROM generate_series(1, 6) g;
            CREATE TABLE operations.audit_log (n int, note text);
            INSERT INTO operations.audit_log SELECT g, 'event ' || g FROM generate_series(1, 4) g;
            """, Project.Database);
        Assert.Equal(0, (await Project.RunAsync("source", "init")).ExitCode);
    }

    [Fact]
    public async Task Init_scaffolds_a_project_whose_staging_models_equal_the_source_tables()
    {
        var init = await Project.RunAsync("init", "--json");
        Assert.True(init.ExitCode == 0, init.ToString());
        using (var json = JsonDocument.Parse(init.Output))
        {
            var files = json.RootElement.GetProperty("files").EnumerateArray().Select(f => Path.GetRelativePath(Project.Directory, f.GetString()!).Replace('\\', '/')).ToList();
            Assert.Contains("analytics/dbt_project.yml", files);
            Assert.Contains("analytics/models/staging/_sources.yml", files);
            Assert.Contains("analytics/models/staging/schema.yml", files);
            Assert.Contains("analytics/models/staging/stg_order_lines.sql", files);
            Assert.Contains("strata.yml", files);
        }

        Assert.Contains(init.ErrorLines, l => l.StartsWith("warning: operations.audit_log has no primary key", StringComparison.Ordinal));
        var strataYml = await File.ReadAllTextAsync(Path.Combine(Project.Directory, "strata.yml"));
        Assert.Contains("project: analytics", strataYml, StringComparison.Ordinal);
        Assert.DoesNotContain(Server.Password, strataYml, StringComparison.Ordinal);
        Assert.DoesNotContain("password:", strataYml, StringComparison.Ordinal);

        var project = await ProjectLoader.LoadAsync(Path.Combine(Project.Directory, "analytics"));
        Assert.Equal(7, project.Sources.Count);
        Assert.Equal(["current_state"], project.Models.Where(m => m.Name != "stg_audit_log").Select(m => m.Config.Materialized).Distinct());
        Assert.Equal("view", project.Models.Single(m => m.Name == "stg_audit_log").Config.Materialized);
        Assert.Equal(["a", "b"], project.Models.Single(m => m.Name == "stg_pairs").Config.UniqueKey);

        await IngestAndBuildAsync();
        await Server.ExecuteAsync("""
            UPDATE operations."Order Lines" SET qty = qty + 100, "select" = NULL WHERE "Line Id" <= 2;
            DELETE FROM operations."Order Lines" WHERE "Line Id" = 5;
            UPDATE operations.pairs SET v = 'changed' WHERE a = 0;
            DELETE FROM operations.pairs WHERE b = 1;
            UPDATE operations.orders SET status = 'COMPLETED' WHERE order_id % 3 = 0;
            DELETE FROM operations.order_items WHERE order_item_id % 4 = 0;
            INSERT INTO operations.audit_log VALUES (5, 'event 5');
            """, Project.Database);
        await IngestAndBuildAsync();

        foreach (var (source, model, columns, key) in new[]
        {
            ("operations.\"Order Lines\"", "stg_order_lines", "\"Line Id\", \"select\", \"note{x}\", qty", "\"Line Id\""),
            ("operations.pairs", "stg_pairs", "a, b, v", "a, b"),
            ("operations.audit_log", "stg_audit_log", "n, note", "n"),
            ("operations.orders", "stg_orders", "order_id, order_date, delivery_date, customer_id, status", "order_id"),
            ("operations.order_items", "stg_order_items", "order_item_id, order_id, product_id, quanity", "order_item_id"),
            ("operations.customers", "stg_customers", "customer_id, customer_name, is_active, customer_address", "customer_id"),
            ("operations.products", "stg_products", "product_id, product_name, barcode, unity_price, is_active", "product_id"),
        })
        {
            var expected = await BronzeReader.SourceQueryAsync(Server, Project.Database, $"SELECT {columns} FROM {source} ORDER BY {key}");
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await TransformProjects.RowsAsync(Project, $"SELECT {columns} FROM silver.{model} ORDER BY {key}"));
        }
    }

    [Fact]
    public async Task Init_refuses_a_folder_that_is_not_empty_without_force()
    {
        var folder = Path.Combine(Project.Directory, "analytics");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "mine.sql"), "select 1");

        var refused = await Project.RunAsync("init");
        Assert.Equal(1, refused.ExitCode);
        var line = Assert.Single(refused.ErrorLines);
        Assert.Contains(folder, line, StringComparison.Ordinal);
        Assert.Contains("--force", line, StringComparison.Ordinal);
        Assert.Equal([Path.Combine(folder, "mine.sql")], Directory.EnumerateFileSystemEntries(folder));
        Assert.False(File.Exists(Path.Combine(Project.Directory, "strata.yml")));

        // With --force the generated files land beside the existing one, which is kept. A model an earlier init
        // generated for a table no longer published is named (a build would fail on it), and kept; a model of the
        // user's own in the same folder is not named.
        var staging = Path.Combine(folder, "models", "staging");
        Directory.CreateDirectory(staging);
        await File.WriteAllTextAsync(Path.Combine(staging, "stg_gone.sql"), "-- stg_gone: the current state of operations.gone, one row per primary key (generated by `strata init`).\nselect 1");
        await File.WriteAllTextAsync(Path.Combine(staging, "stg_mine.sql"), "-- my own\nselect 1");
        var forced = await Project.RunAsync("init", "--force", "--json");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal("select 1", await File.ReadAllTextAsync(Path.Combine(folder, "mine.sql")));
        Assert.True(File.Exists(Path.Combine(folder, "dbt_project.yml")));
        using var json = JsonDocument.Parse(forced.Output);
        var stale = Assert.Single(json.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!), w => w.Contains("no longer has", StringComparison.Ordinal));
        Assert.StartsWith(Path.Combine(staging, "stg_gone.sql"), stale, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(staging, "stg_gone.sql")));
    }

    private async Task IngestAndBuildAsync()
    {
        var ingest = await Project.RunAsync("ingest", "--once");
        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        var build = await Project.RunAsync("build");
        Assert.True(build.ExitCode == 0, build.ToString());
    }
}
