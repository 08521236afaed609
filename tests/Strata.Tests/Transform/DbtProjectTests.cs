using System.Globalization;
using Strata.Testing;
using Strata.Warehouse;
using Strata.Warehouse.DuckDb;

namespace Strata.Tests.Transform;

/// <summary>A dbt project runs unmodified from its own folder: no strata.yml, the warehouse from the defaults.</summary>
public sealed class DbtProjectTests : IDisposable
{
    private readonly TestProject _project = TestProject.Empty();

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
        });
        var statuses = new[] { "OPEN", "Shipped", "closed" };
        var orders = Enumerable.Range(1, 200).Select(i => (Id: i, Status: statuses[i * 7 % 3], Amount: decimal.Round(i * 1.25m, 2))).ToList();
        await using (var warehouse = await DuckDbWarehouse.OpenAsync(Path.Combine(_project.Directory, ".strata", "warehouse.duckdb")))
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
        await using var check = await DuckDbWarehouse.OpenAsync(Path.Combine(_project.Directory, ".strata", "warehouse.duckdb"));
        var rows = await check.QueryAsync("SELECT status, orders, CAST(revenue AS DECIMAL(18,2)) FROM marts.revenue_by_status ORDER BY status");
        Assert.Equal(expected, rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r[0]}|{r[1]}|{r[2]:0.00}")));
        Assert.Equal(RelationKind.View, await check.RelationKindAsync("staging", "stg_orders"));
        var results = await check.QueryAsync("SELECT count(*), count(*) FILTER (WHERE status = 'pass') FROM _strata.test_results");
        Assert.Equal((3L, 3L), (Convert.ToInt64(results[0][0], CultureInfo.InvariantCulture), Convert.ToInt64(results[0][1], CultureInfo.InvariantCulture)));
    }
}
