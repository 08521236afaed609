using System.Globalization;
using Strata.Testing;
using Strata.Warehouse;
using Strata.Warehouse.DuckDb;

namespace Strata.Tests.Transform;

/// <summary>A dbt project runs unmodified from its own folder: no strata.yml, the warehouse from the defaults.</summary>
public sealed class DbtProjectTests : IDisposable
{
    private readonly TestProject _project = TestProject.Empty();

    /// <summary>The embedded warehouse a project without strata.yml gets.</summary>
    private string WarehousePath => Path.Combine(_project.Directory, ".strata", "warehouse.duckdb");

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task Strata_build_in_a_dbt_project_folder_builds_its_models_and_runs_its_tests()
    {
        TransformProjects.Write(_project.Directory, new Dictionary<string, string>
        {
            ["dbt_project.yml"] = """
                name: shop
                config-version: 2
                profile: shop
                model-paths: ["models"]
                models:
                  shop:
                    staging:
                      +materialized: view
                      +schema: staging
                    marts:
                      +materialized: table
                      +schema: marts
                """,
            ["models/staging/_sources.yml"] = """
                version: 2
                sources:
                  - name: raw
                    schema: raw_data
                    tables:
                      - name: orders
                        columns:
                          - name: id
                            data_tests: [unique, not_null]
                          - name: amount
                            data_tests:
                              - expression:
                                  expression: amount >= 100
                                  config:
                                    severity: warn
                """,
            ["models/staging/stg_orders.sql"] = "select id, lower(status) as status, amount from {{ source('raw', 'orders') }}",
            ["models/staging/schema.yml"] = """
                version: 2
                models:
                  - name: stg_orders
                    columns:
                      - name: id
                        data_tests: [unique, not_null]
                      - name: status
                        data_tests:
                          - accepted_values:
                              values: [open, shipped, closed]
                """,
            ["models/marts/revenue_by_status.sql"] = "select status, count(*) as orders, sum(amount) as revenue from {{ ref('stg_orders') }} group by status",
            ["analyses/best_status.sql"] = "select status from {{ ref('revenue_by_status') }} order by revenue desc limit 1",
        });
        var statuses = new[] { "OPEN", "Shipped", "closed" };
        var orders = Enumerable.Range(1, 200).Select(i => (Id: i, Status: statuses[i * 7 % 3], Amount: decimal.Round(i * 1.25m, 2))).ToList();
        await using (var warehouse = await DuckDbWarehouse.OpenAsync(WarehousePath))
        {
            await warehouse.EnsureSchemaAsync("raw_data");
            await warehouse.CreateTableAsync("raw_data", "orders",
                [new("id", WarehouseType.Int64), new("status", WarehouseType.Text), new("amount", new WarehouseType(WarehouseTypeKind.Decimal, 12, 2))]);
            await using var transaction = await warehouse.BeginAsync();
            foreach (var (id, status, amount) in orders)
            {
                await transaction.ExecuteAsync("INSERT INTO raw_data.orders VALUES ($1, $2, $3)", [(long)id, status, amount]);
            }

            await transaction.CommitAsync();
        }

        var build = await _project.RunAsync("build");

        Assert.True(build.ExitCode == 0, build.Error);
        Assert.False(File.Exists(Path.Combine(_project.Directory, "strata.yml")));
        var expected = orders.GroupBy(o => o.Status.ToLowerInvariant()).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}|{g.Count()}|{g.Sum(o => o.Amount):0.00}"));
        await using var check = await DuckDbWarehouse.OpenAsync(WarehousePath);
        var rows = await check.QueryAsync("SELECT status, orders, CAST(revenue AS DECIMAL(18,2)) FROM marts.revenue_by_status ORDER BY status");
        Assert.Equal(expected, rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r[0]}|{r[1]}|{r[2]:0.00}")));
        Assert.Equal(RelationKind.View, await check.RelationKindAsync("staging", "stg_orders"));
        // An analysis is compiled, never built.
        Assert.Equal(RelationKind.None, await check.RelationKindAsync("analytics", "best_status"));
        var results = await check.QueryAsync("SELECT test, status, failures FROM _strata.test_results ORDER BY test");
        // The source's own tests ran too: its ids are unique and set; amounts under 100 are a warning, counted in the source.
        var under100 = orders.Count(o => o.Amount < 100);
        Assert.Equal(
            [$"expression_source_raw_orders_amount|warn|{under100}", "not_null_source_raw_orders_id|pass|0", "unique_source_raw_orders_id|pass|0",
             "accepted_values_stg_orders_status|pass|0", "not_null_stg_orders_id|pass|0", "unique_stg_orders_id|pass|0"],
            results.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r[0]}|{r[1]}|{r[2]}")).OrderBy(t => t.Contains("source", StringComparison.Ordinal) ? 0 : 1).ThenBy(t => t, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_failing_source_test_runs_first_and_skips_what_reads_the_source()
    {
        TransformProjects.Write(_project.Directory, new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\n",
            ["models/sources.yml"] = """
                version: 2
                sources:
                  - name: raw
                    tables:
                      - name: orders
                        columns:
                          - name: id
                            data_tests: [unique]
                """,
            ["models/stg_orders.sql"] = "select id from {{ source('raw', 'orders') }}",
            ["models/order_count.sql"] = "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('stg_orders') }}",
            ["models/unrelated.sql"] = "{{ config(materialized='table') }}\nselect 1 as one",
        });
        await using (var warehouse = await DuckDbWarehouse.OpenAsync(WarehousePath))
        {
            await warehouse.EnsureSchemaAsync("raw");
            await warehouse.ExecuteAsync("CREATE TABLE raw.orders AS SELECT * FROM (VALUES (1), (1), (2)) AS t(id)");
        }

        var build = await _project.RunAsync("build", "--json");

        Assert.Equal(1, build.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(build.Output);
        var models = json.RootElement.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("model").GetString()!, m => m.GetProperty("status").GetString());
        Assert.Equal("skipped", models["stg_orders"]);
        Assert.Equal("skipped", models["order_count"]);
        Assert.Equal("success", models["unrelated"]);
        var test = Assert.Single(json.RootElement.GetProperty("tests").EnumerateArray());
        Assert.Equal(("unique_source_raw_orders_id", "fail", 1L), (test.GetProperty("test").GetString(), test.GetProperty("status").GetString(), test.GetProperty("failures").GetInt64()));
    }

    [Fact]
    public async Task A_generic_test_of_the_projects_own_counts_its_failing_rows_and_reads_the_models_it_refers_to()
    {
        TransformProjects.Write(_project.Directory, new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\n",
            ["models/amounts.sql"] = "{{ config(materialized='table') }}\nselect * from (values (1, -5), (2, 0), (3, 7), (4, -1)) as t(id, amount)",
            ["models/allowed.sql"] = "{{ config(materialized='table') }}\nselect 1 as id union all select 2 union all select 3",
            ["tests/generic/at_least.sql"] = """
                {% test at_least(model, column_name, min_value=0, within=none) %}
                select * from {{ model }} where {{ column_name }} < {{ min_value }}
                {%- if within is not none %} and id in (select id from {{ ref(within) }}){% endif %}
                {% endtest %}
                """,
            ["models/schema.yml"] = """
                version: 2
                models:
                  - name: amounts
                    columns:
                      - name: amount
                        data_tests:
                          - at_least
                          - at_least:
                              min_value: -3
                              within: allowed
                              config:
                                severity: warn
                """,
        });

        var build = await _project.RunAsync("build", "--json");

        Assert.Equal(1, build.ExitCode);
        var results = TransformProjects.TestOutcomes(build.Output);
        // Two amounts under 0; under -3 and among the allowed ids, one (id 1): a warning, as configured.
        Assert.Equal(("fail", 2L), results["at_least_amounts_amount"]);
        Assert.Equal(("warn", 1L), results["at_least_amounts_amount_2"]);
        var compiled = await File.ReadAllTextAsync(Path.Combine(_project.Directory, "target", "compiled", "tests", "at_least_amounts_amount_2.sql"));
        Assert.Contains("\"analytics\".\"allowed\"", compiled, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_analysis_is_compiled_with_the_project_and_its_refs_resolved_never_run()
    {
        TransformProjects.Write(_project.Directory, new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\nanalysis-paths: [\"analysis\"]\n",
            ["models/numbers.sql"] = "{{ config(materialized='table', schema='marts') }}\nselect 1 as n",
            ["analysis/sum_of_numbers.sql"] = "select sum(n) from {{ ref('numbers') }}",
        });

        var compile = await _project.RunAsync("compile", "--json");

        Assert.True(compile.ExitCode == 0, compile.Error);
        using var json = System.Text.Json.JsonDocument.Parse(compile.Output);
        var analysis = Assert.Single(json.RootElement.EnumerateArray(), e => e.GetProperty("kind").GetString() == "analysis");
        Assert.Equal("select sum(n) from \"marts\".\"numbers\"", analysis.GetProperty("sql").GetString());
        Assert.True(File.Exists(Path.Combine(_project.Directory, "target", "compiled", "analysis", "sum_of_numbers.sql")));
    }

    [Fact]
    public async Task Unit_tests_run_a_model_on_given_rows_against_the_rows_expected()
    {
        TransformProjects.Write(_project.Directory, new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\nvars:\n  minimum: 0\n",
            ["models/sources.yml"] = "version: 2\nsources:\n  - name: raw\n    tables: [{name: orders}]\n",
            ["models/stg_orders.sql"] = "{{ config(materialized='ephemeral') }}\nselect id, lower(status) as status, amount from {{ source('raw', 'orders') }}",
            ["models/revenue.sql"] = """
                {{ config(materialized='incremental', unique_key='status') }}
                select status, count(*) as orders, sum(amount) as revenue from {{ ref('stg_orders') }}
                where amount > {{ var('minimum') }}
                {% if is_incremental() %} and status <> 'closed' {% endif %}
                group by status
                """,
            ["models/unit.yml"] = """
                version: 2
                unit_tests:
                  - name: revenue_adds_up_per_status
                    model: revenue
                    given:
                      - input: source('raw', 'orders')
                        rows:
                          - {id: 1, status: OPEN, amount: 10.5}
                          - {id: 2, status: open, amount: 4.5}
                          - {id: 3, status: Closed, amount: 7}
                    expect:
                      rows:
                        - {status: open, orders: 2, revenue: 15}
                        - {status: closed, orders: 1, revenue: 7}
                  - name: incremental_runs_leave_closed_out
                    model: revenue
                    overrides:
                      macros: {is_incremental: true}
                      vars: {minimum: 5}
                    given:
                      - input: source('raw', 'orders')
                        format: csv
                        rows: |
                          id,status,amount
                          1,open,10
                          2,open,4
                          3,closed,7
                    expect:
                      rows:
                        - {status: open, orders: 1, revenue: 10}
                  - name: a_wrong_expectation_fails
                    model: revenue
                    given:
                      - input: source('raw', 'orders')
                        rows: [{id: 1, status: open, amount: 1}]
                    expect:
                      rows: [{status: open, orders: 2}]
                """,
        });
        await using (var warehouse = await DuckDbWarehouse.OpenAsync(WarehousePath))
        {
            await warehouse.EnsureSchemaAsync("raw");
            await warehouse.CreateTableAsync("raw", "orders", [new("id", WarehouseType.Int64), new("status", WarehouseType.Text), new("amount", new WarehouseType(WarehouseTypeKind.Decimal, 12, 2))]);
        }

        var test = await _project.RunAsync("build", "--json");

        Assert.Equal(1, test.ExitCode);
        var results = TransformProjects.TestOutcomes(test.Output);
        Assert.Equal(("pass", 0L), results["revenue_adds_up_per_status"]);
        Assert.Equal(("pass", 0L), results["incremental_runs_leave_closed_out"]);
        // Expected two open orders, got one: a missing and an unexpected row.
        Assert.Equal(("fail", 2L), results["a_wrong_expectation_fails"]);
        await using var check = await DuckDbWarehouse.OpenAsync(WarehousePath);
        Assert.Empty(await check.QueryAsync("SELECT * FROM analytics.revenue"));
    }

    [Fact]
    public async Task Seeds_load_with_strata_seed_and_build_feed_their_refs_and_reload_only_when_their_file_changes()
    {
        TransformProjects.Write(_project.Directory, new Dictionary<string, string>
        {
            ["dbt_project.yml"] = """
                name: shop
                seeds:
                  shop:
                    +schema: ref_data
                    countries:
                      +column_types:
                        code: VARCHAR
                """,
            ["seeds/countries.csv"] = "code,name,vat_rate,joined\n01,Ireland,0.23,2020-01-31\n02,France,0.2,2019-06-01\n03,Spain,,2021-12-24\n",
            ["seeds/schema.yml"] = """
                version: 2
                seeds:
                  - name: countries
                    description: Countries we sell to.
                    columns:
                      - name: code
                        data_tests: [unique, not_null]
                """,
            ["models/vat.sql"] = "{{ config(materialized='table') }}\nselect code, name, coalesce(vat_rate, 0) * 100 as vat_percent from {{ ref('countries') }}",
        });

        var seed = await _project.RunAsync("seed", "--json");
        Assert.True(seed.ExitCode == 0, seed.Error);
        var loaded = await SeedLoadAsync();
        await using (var check = await DuckDbWarehouse.OpenAsync(WarehousePath))
        {
            Assert.Equal(RelationKind.None, await check.RelationKindAsync("analytics", "vat"));
            var columns = (await check.GetColumnsAsync("ref_data", "countries"))!;
            Assert.Equal(
                ["code:Text", "name:Text", "vat_rate:Decimal", "joined:Date"],
                columns.Select(c => $"{c.Name}:{c.Type.Kind}"));
            var rows = await check.QueryAsync("SELECT code, name, CAST(vat_rate AS VARCHAR), CAST(joined AS VARCHAR) FROM ref_data.countries ORDER BY code");
            Assert.Equal(["01|Ireland|0.23|2020-01-31", "02|France|0.20|2019-06-01", "03|Spain||2021-12-24"], rows.Select(Row));
        }

        var build = await _project.RunAsync("build");
        Assert.True(build.ExitCode == 0, build.Error);
        await using (var check = await DuckDbWarehouse.OpenAsync(WarehousePath))
        {
            var vat = await check.QueryAsync("SELECT code, CAST(vat_percent AS DECIMAL(10,2)) FROM analytics.vat ORDER BY code");
            Assert.Equal(["01|23.00", "02|20.00", "03|0.00"], vat.Select(Row));
            var loads = await check.QueryAsync("SELECT count(*) FROM _strata.model_runs WHERE model = 'countries' AND status = 'success'");
            Assert.Equal(2L, Convert.ToInt64(loads[0][0], CultureInfo.InvariantCulture));
            var tests = await check.QueryAsync("SELECT count(*) FROM _strata.test_results WHERE model = 'countries' AND status = 'pass'");
            Assert.Equal(2L, Convert.ToInt64(tests[0][0], CultureInfo.InvariantCulture));
        }

        // Unchanged, the build did not load it again (and says so); changed, it does.
        Assert.Equal(loaded, await SeedLoadAsync());
        var unchanged = await _project.RunAsync("seed", "--json");
        Assert.True(unchanged.ExitCode == 0, unchanged.Error);
        Assert.True(SeedResult(unchanged.Output).GetProperty("unchanged").GetBoolean());
        // --full-refresh loads it again though its file is the same.
        var refreshed = await _project.RunAsync("seed", "--full-refresh", "--json");
        Assert.True(refreshed.ExitCode == 0, refreshed.Error);
        Assert.False(SeedResult(refreshed.Output).GetProperty("unchanged").GetBoolean());
        var forced = await SeedLoadAsync();
        Assert.Equal(loaded.Hash, forced.Hash);
        Assert.True(forced.LoadedAt > loaded.LoadedAt);
        loaded = forced;
        File.AppendAllText(Path.Combine(_project.Directory, "seeds", "countries.csv"), "04,Portugal,0.23,2022-03-01\n");
        var again = await _project.RunAsync("build", "--json");
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.False(SeedResult(again.Output).GetProperty("unchanged").GetBoolean());
        await using (var check = await DuckDbWarehouse.OpenAsync(WarehousePath))
        {
            Assert.Equal(4L, Convert.ToInt64((await check.QueryAsync("SELECT count(*) FROM analytics.vat"))[0][0], CultureInfo.InvariantCulture));
        }

        var reloaded = await SeedLoadAsync();
        Assert.NotEqual(loaded.Hash, reloaded.Hash);
        Assert.True(reloaded.LoadedAt > loaded.LoadedAt);
        Assert.Equal(4L, reloaded.Rows);
    }

    private static System.Text.Json.JsonElement SeedResult(string output) =>
        Assert.Single(System.Text.Json.JsonDocument.Parse(output).RootElement.GetProperty("models").EnumerateArray(), m => m.GetProperty("model").GetString() == "countries").Clone();

    [Fact]
    public async Task A_snapshot_of_a_changelog_is_its_exact_history_and_one_that_mixes_in_another_table_is_refused()
    {
        TransformProjects.Write(_project.Directory, new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\n",
            ["models/sources.yml"] = """
                version: 2
                sources:
                  - name: bronze
                    schema: bronze
                    changelog: true
                    tables: [{name: things}]
                """,
            ["snapshots/things.sql"] = """
                {% snapshot things_snapshot %}
                {{ config(target_schema='snapshots', unique_key='id', strategy='timestamp', updated_at='_commit_ts', hard_deletes='new_record') }}
                select id, name, {{ changelog_columns() }} from {{ source('bronze', 'things') }}
                {% endsnapshot %}
                """,
        });
        var t0 = new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);
        (string Op, long Lsn, long Id, string? Name)[] changes = [("r", 10, 1, "a"), ("r", 10, 2, "b"), ("u", 20, 1, "a2"), ("d", 30, 2, null), ("c", 40, 3, "c")];
        await using (var warehouse = await DuckDbWarehouse.OpenAsync(WarehousePath))
        {
            await warehouse.EnsureSchemaAsync("bronze");
            await warehouse.CreateTableAsync("bronze", "things",
                [new("_op", WarehouseType.Text), new("_lsn", WarehouseType.Int64), new("_seq", WarehouseType.Int64), new("_commit_ts", WarehouseType.TimestampTz),
                 new("id", WarehouseType.Int64), new("name", WarehouseType.Text)]);
            foreach (var (op, lsn, id, name) in changes)
            {
                await warehouse.ExecuteAsync("INSERT INTO bronze.things VALUES ($1, $2, $3, $4, $5, $6)", [op, lsn, id, t0.AddSeconds(lsn), id, name]);
            }
        }

        var build = await _project.RunAsync("build");

        Assert.True(build.ExitCode == 0, build.Error);
        await using (var check = await DuckDbWarehouse.OpenAsync(WarehousePath))
        {
            var rows = await check.QueryAsync(
                "SELECT id, coalesce(name, '-'), is_current, is_deleted FROM snapshots.things_snapshot ORDER BY id, valid_from");
            // Every version from the changelog: id 1 twice, id 2 then its deletion (a current tombstone), id 3 once.
            Assert.Equal(["1|a|False|False", "1|a2|True|False", "2|b|False|False", "2|-|True|True", "3|c|True|False"], rows.Select(Row));
        }

        // A snapshot of a plain table runs with dbt's strategies (SnapshotStrategyTests); one that reads a changelog
        // and a plain table is refused: exact history cannot cover the plain table's changes.
        File.WriteAllText(Path.Combine(_project.Directory, "models", "plain.yml"), "version: 2\nsources:\n  - name: app\n    tables: [{name: users}]\n");
        File.WriteAllText(Path.Combine(_project.Directory, "snapshots", "users.sql"),
            "{% snapshot users_snapshot %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ source('app', 'users') }}\n{% endsnapshot %}\n");
        Assert.True((await _project.RunAsync("compile")).ExitCode == 0);
        File.WriteAllText(Path.Combine(_project.Directory, "snapshots", "users.sql"),
            "{% snapshot users_snapshot %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\n" +
            "select t.* from {{ source('bronze', 'things') }} t join {{ source('app', 'users') }} u using (id)\n{% endsnapshot %}\n");
        var refused = await _project.RunAsync("compile");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("snapshots/users.sql:1: snapshot users_snapshot reads source app.users, which is not a Strata changelog, next to a changelog", Assert.Single(refused.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("code,name\n1,a,extra\n", "seeds/bad.csv:2: the row has 3 values and the header 2 columns")]
    [InlineData("code,,name\n1,2,3\n", "seeds/bad.csv:1: column 2 of the header has no name")]
    [InlineData("code,code\n1,2\n", "seeds/bad.csv:1: column code is named twice in the header")]
    public async Task A_broken_seed_is_one_line_naming_its_file_and_line(string csv, string expected)
    {
        TransformProjects.Write(_project.Directory, new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\n",
            ["seeds/bad.csv"] = csv,
        });

        var result = await _project.RunAsync("seed");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("bad.csv", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    private async Task<(string Hash, long Rows, DateTime LoadedAt)> SeedLoadAsync()
    {
        await using var check = await DuckDbWarehouse.OpenAsync(WarehousePath);
        var row = Assert.Single(await check.QueryAsync("SELECT hash, rows, loaded_at FROM _strata.seeds WHERE seed = 'countries'"));
        return ((string)row[0]!, Convert.ToInt64(row[1], CultureInfo.InvariantCulture), (DateTime)row[2]!);
    }

    private static string Row(object?[] row) => string.Join('|', row.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
}
