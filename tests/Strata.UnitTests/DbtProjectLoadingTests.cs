using Strata.Transform;
using Strata.Transform.Project;
using Strata.UnitTests.Support;

namespace Strata.UnitTests;

/// <summary>A dbt project is read as dbt writes it: dbt_project.yml, schema files of version 2, dbt's freshness syntax.</summary>
public sealed class DbtProjectLoadingTests
{
    private static readonly Dictionary<string, string> Shop = new()
    {
        ["dbt_project.yml"] = """
            name: shop
            version: '1.0.0'
            config-version: 2
            profile: shop
            model-paths: ["transform"]
            test-paths: ["checks"]
            target-path: target
            clean-targets: [target, dbt_packages]
            vars:
              currency: EUR
              shop:
                currency: USD
                limit: 3
            models:
              shop:
                +materialized: view
                staging:
                  +schema: staging
                  +docs:
                    node_color: gray
                marts:
                  materialized: table
                  +tags: [mart]
                  finance:
                    +tags: finance
            """,
        ["transform/staging/schema.yml"] = """
            version: 2
            sources:
              - name: raw
                schema: raw_data
                database: analytics
                loaded_at_field: loaded_at
                freshness:
                  warn_after: {count: 10, period: minute}
                  error_after: {count: 2, period: hour}
                tables:
                  - name: orders
                    loaded_at_field: updated_at
                    columns:
                      - name: id
                        description: The order.
                  - name: customers
                    freshness:
                      warn_after: {count: 1, period: day}
            models:
              - name: stg_orders
                description: '{{ doc("stg_orders") }}'
                meta: {owner: data}
                columns:
                  - name: id
                    data_type: integer
                    data_tests: [unique, not_null]
                  - name: status
                    description: "{{ doc('order_status') }}"
                    tests:
                      - accepted_values:
                          values: [open, closed]
            """,
        ["transform/staging/docs.md"] = """
            # Staging

            {% docs stg_orders %}
            Orders, cleaned.
            {% enddocs %}

            {%- docs order_status -%}One of open or closed.{%- enddocs -%}
            """,
        ["transform/staging/stg_orders.sql"] = "select id, status from {{ source('raw', 'orders') }}",
        ["transform/marts/orders_per_status.sql"] = "select status, count(*) as n from {{ ref('stg_orders') }} group by 1",
        ["transform/marts/finance/revenue.sql"] = "select 1 as x from {{ ref('stg_orders') }}",
        ["transform/top.sql"] = "select 1 as y",
        ["checks/no_negative.sql"] = "select * from {{ ref('revenue') }} where x < 0",
    };

    [Fact]
    public async Task Paths_folder_configs_vars_tests_and_freshness_come_from_the_dbt_files()
    {
        using var folder = new ProjectFolder(Shop);

        var project = await ProjectLoader.LoadAsync(folder.Path);

        Assert.Equal("shop", project.Name);
        var models = project.Models.ToDictionary(m => m.Name);
        Assert.Equal(("view", "staging"), (models["stg_orders"].Config.Materialized, models["stg_orders"].Config.Schema));
        Assert.Equal(("table", "analytics"), (models["orders_per_status"].Config.Materialized, models["orders_per_status"].Config.Schema));
        Assert.Equal(["mart"], models["orders_per_status"].Config.Tags);
        Assert.Equal("table", models["revenue"].Config.Materialized);
        // Tags add up down the folders, as in dbt.
        Assert.Equal(["mart", "finance"], models["revenue"].Config.Tags);
        Assert.Equal("view", models["top"].Config.Materialized);
        Assert.Equal("Orders, cleaned.", models["stg_orders"].Description);
        Assert.Equal("One of open or closed.", models["stg_orders"].Columns.Single(c => c.Name == "status").Description);

        // Project-scoped vars win over global ones.
        Assert.Equal("USD", project.Vars["currency"]);
        Assert.Equal(3L, project.Vars["limit"]);

        var orders = project.Sources.Single(s => s.Name == "orders");
        Assert.Equal(("raw_data", "updated_at", TimeSpan.FromMinutes(10), TimeSpan.FromHours(2)), (orders.Schema, orders.LoadedAtField, orders.WarnAfter, orders.ErrorAfter));
        var customers = project.Sources.Single(s => s.Name == "customers");
        Assert.Equal(("loaded_at", TimeSpan.FromDays(1), (TimeSpan?)null), (customers.LoadedAtField, customers.WarnAfter, customers.ErrorAfter));

        Assert.Equal(
            ["accepted_values:stg_orders.status", "not_null:stg_orders.id", "singular:", "unique:stg_orders.id"],
            project.Tests.Select(t => $"{t.Kind}:{(t.Model is null ? "" : $"{t.Model}.{t.Column}")}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("dbt_project.yml", "name: shop\non-run-start: [\"grant select on all tables to reporter\"]\n", "dbt_project.yml:2:1: key 'on-run-start' is not supported by Strata")]
    [InlineData("dbt_project.yml", "name: shop\nmodels:\n  shop:\n    +post-hook: \"vacuum\"\n", "dbt_project.yml:4:5: model config 'post_hook' is not supported by Strata")]
    [InlineData("dbt_project.yml", "name: shop\nmodels:\n  dbt_utils:\n    +enabled: false\n", "dbt_project.yml:3:3: models: configs for 'dbt_utils', which is not this project ('shop')")]
    [InlineData("dbt_project.yml", "name: shop\nmodels: [oops\n", "dbt_project.yml:")]
    [InlineData("models/schema.yml", "version: 3\nmodels: []\n", "models/schema.yml: version: 3 is not a schema-file version")]
    [InlineData("models/schema.yml", "version: 2\nsources:\n  - name: raw\n    freshness:\n      warn_after: {count: 10, period: fortnight}\n    tables: [{name: t}]\n", "models/schema.yml: freshness warn_after period must be minute, hour or day, not 'fortnight'")]
    [InlineData("strata_project.yml", "name: shop\n", "holds both strata_project.yml and dbt_project.yml; keep one")]
    [InlineData("models/a.yml", "version: 2\nmodels:\n  - name: a\n    description: \"{{ doc('nowhere') }}\"\n", "models/a.yml: the description of model a calls doc('nowhere'), and no {% docs nowhere %} block exists")]
    [InlineData("models/docs.md", "{% docs a %}text", "models/docs.md: a {% docs %} block is not closed with {% enddocs %}")]
    public async Task What_Strata_does_not_do_is_refused_in_one_line_naming_where(string file, string text, string expected)
    {
        using var folder = new ProjectFolder(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\n",
            ["models/a.sql"] = "select 1 as id",
        });
        folder.Write(file, text);

        var error = await Assert.ThrowsAsync<TransformException>(() => ProjectLoader.LoadAsync(folder.Path));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unique_key='id'", "snapshots/s.sql:3: snapshot s needs strategy='timestamp' (with updated_at) or strategy='check' (with check_cols)")]
    [InlineData("unique_key='id', strategy='timestamp'", "snapshots/s.sql:3: snapshot s has strategy='timestamp' and needs updated_at='column'")]
    [InlineData("unique_key='id', strategy='check'", "snapshots/s.sql:3: snapshot s has strategy='check' and needs check_cols: a list of columns, or 'all'")]
    [InlineData("strategy='check', check_cols='all'", "snapshots/s.sql:3: snapshot s needs unique_key")]
    [InlineData("unique_key='id', strategy='latest'", "snapshots/s.sql:3: snapshot s strategy='latest' is not a snapshot strategy")]
    [InlineData("unique_key='id', strategy='check', check_cols='all', hard_deletes='purge'", "snapshots/s.sql:3: snapshot s hard_deletes='purge' is not ignore, invalidate or new_record")]
    [InlineData("unique_key='id', strategy='check', check_cols='all', materialized='table'", "snapshots/s.sql:3: snapshot s is a snapshot; it cannot be materialized='table'")]
    public async Task A_snapshot_of_a_plain_table_missing_a_config_dbt_needs_is_refused_in_one_line(string config, string expected)
    {
        using var folder = new ProjectFolder(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\n",
            ["models/sources.yml"] = "version: 2\nsources:\n  - name: raw\n    tables: [{name: things}]\n",
            ["snapshots/s.sql"] = $"-- the block starts on line 3\n\n{{% snapshot s %}}\n{{{{ config({config}) }}}}\nselect * from {{{{ source('raw', 'things') }}}}\n{{% endsnapshot %}}\n",
        });

        var error = await Assert.ThrowsAsync<TransformException>(() => ProjectLoader.LoadAsync(folder.Path));

        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_snapshot_of_a_plain_table_takes_dbt_configs_from_its_block_and_its_yml_and_one_of_a_changelog_stays_history()
    {
        using var folder = new ProjectFolder(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\n",
            ["models/sources.yml"] = "version: 2\nsources:\n  - name: raw\n    tables: [{name: things}]\n  - name: bronze\n    changelog: true\n    tables: [{name: things}]\n",
            ["snapshots/plain.sql"] = "{% snapshot plain %}\n{{ config(unique_key=['region', 'id'], invalidate_hard_deletes=true) }}\nselect * from {{ source('raw', 'things') }}\n{% endsnapshot %}\n",
            ["snapshots/schema.yml"] = "version: 2\nsnapshots:\n  - name: plain\n    config:\n      target_schema: history\n      strategy: check\n      check_cols: [name, size]\n      dbt_valid_to_current: \"'9999-12-31'\"\n",
            ["snapshots/exact.sql"] = "{% snapshot exact %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='_commit_ts') }}\nselect * from {{ source('bronze', 'things') }}\n{% endsnapshot %}\n",
        });

        var project = await ProjectLoader.LoadAsync(folder.Path);

        var plain = project.Models.Single(m => m.Name == "plain");
        Assert.Equal((Materializations.Snapshot, "history"), (plain.Config.Materialized, plain.Config.Schema));
        Assert.Equal(["region", "id"], plain.Config.UniqueKey);
        Assert.Equal(new SnapshotOptions("check", null, null, "invalidate", "'9999-12-31'", 1), plain.Snapshot! with { CheckCols = null });
        Assert.Equal(["name", "size"], plain.Snapshot!.CheckCols!);
        var exact = project.Models.Single(m => m.Name == "exact");
        Assert.Equal((Materializations.History, (SnapshotOptions?)null), (exact.Config.Materialized, exact.Snapshot));
    }

    [Fact]
    public async Task Resource_types_are_disjoint_models_seeds_and_snapshots()
    {
        using var folder = new ProjectFolder(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\n",
            ["models/sources.yml"] = "version: 2\nsources:\n  - name: raw\n    tables: [{name: things}]\n",
            ["models/things.sql"] = "select * from {{ source('raw', 'things') }}",
            ["seeds/codes.csv"] = "code\n1\n",
            ["snapshots/plain.sql"] = "{% snapshot plain %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('things') }}\n{% endsnapshot %}\n",
        });
        var graph = new Strata.Transform.Graph.ProjectGraph(await ProjectLoader.LoadAsync(folder.Path));

        Assert.Equal(["plain"], Strata.Transform.Graph.Selector.Select(graph, ["resource_type:snapshot"], []));
        Assert.Equal(["codes"], Strata.Transform.Graph.Selector.Select(graph, ["resource_type:seed"], []));
        Assert.Equal(["things"], Strata.Transform.Graph.Selector.Select(graph, ["resource_type:model"], []));
    }
}
