using Strata.Tests.Ingestion;
using Strata.Tests.Source;

namespace Strata.Tests.Transform;

/// <summary>
/// current_state and history against a real changelog: inserts, updates, deletes, several versions of one key in one
/// batch, TRUNCATE, resync, and a failure between the model's write and its watermark. Plus the other materializations.
/// </summary>
public abstract class ChangelogModelTests(string engine) : SharedServerTest($"changelog_{engine}", initialize: true)
{
    private const string State = "SELECT id, name, n FROM silver.things ORDER BY id";
    private const string SourceState = "SELECT id, name, n FROM operations.things ORDER BY id";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Server.ExecuteAsync("DROP TABLE IF EXISTS operations.things; CREATE TABLE operations.things (id bigint PRIMARY KEY, name text, n int)", Project.Database);
        TransformProjects.UseWarehouse(Project, Server, engine, "things");
        var folder = Path.Combine(Project.Directory, "analytics");
        TransformProjects.Write(folder, new Dictionary<string, string>
        {
            ["strata_project.yml"] = "name: things\nmodels:\n  silver:\n    schema: silver\n",
            ["sources.yml"] = "sources:\n  - name: bronze\n    schema: bronze\n    changelog: true\n    tables:\n      - name: things\n        identifier: operations__things\n",
            ["models/silver/things.sql"] = "{{ config(materialized='current_state', unique_key='id') }}\nselect id, name, n, {{ changelog_columns() }} from {{ source('bronze', 'things') }}",
            ["models/silver/things_history.sql"] = "{{ config(materialized='history', unique_key='id') }}\nselect id, name, n, {{ changelog_columns() }} from {{ source('bronze', 'things') }}",
            ["models/silver/things_view.sql"] = "{{ config(materialized='view') }}\nselect id, upper(name) as name from {{ ref('things') }}",
            ["models/silver/big_things.sql"] = "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('things') }} where n >= 10",
            ["models/silver/big_things_table.sql"] = "{{ config(materialized='table') }}\nselect id, n from {{ ref('big_things') }}",
            ["models/silver/things_merged.sql"] =
                "{{ config(materialized='incremental', unique_key='id') }}\nselect id, name, n from {{ ref('things') }}\n" +
                "{% if is_incremental() %}where n >= 0{% endif %}",
            ["models/silver/things_appended.sql"] =
                "{{ config(materialized='incremental', incremental_strategy='append') }}\nselect id, n from {{ ref('things') }}\n" +
                "{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}",
            ["models/silver/things_replaced.sql"] =
                "{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='id') }}\nselect id, n from {{ ref('things') }}",
        });
        Project.Environment["STRATA_TRANSFORM_PROJECT"] = folder;
    }

    [Fact]
    public async Task Current_state_and_history_follow_every_kind_of_change()
    {
        await SourceAsync("INSERT INTO operations.things VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)");
        await IngestAndRunAsync();
        await AssertStateAsync();

        // Several versions of one key in one batch, a delete and an insert.
        await SourceAsync("""
            BEGIN;
            UPDATE operations.things SET n = 10 WHERE id = 1;
            UPDATE operations.things SET n = 11, name = 'uno' WHERE id = 1;
            DELETE FROM operations.things WHERE id = 2;
            INSERT INTO operations.things VALUES (4, 'four', 40);
            COMMIT;
            """);
        await IngestAndRunAsync();
        await AssertStateAsync();
        Assert.Equal(["1|one|1|False|False", "1|one|10|False|False", "1|uno|11|True|False"],
            await TransformProjects.RowsAsync(Project, "SELECT id, name, n, is_current, is_deleted FROM silver.things_history WHERE id = 1 ORDER BY _lsn, _seq"));
        Assert.Equal(["2|False|False|False", "2|True|True|True"],
            await TransformProjects.RowsAsync(Project, "SELECT id, is_current, is_deleted, valid_to IS NULL FROM silver.things_history WHERE id = 2 ORDER BY _lsn, _seq"));
        // Versions chain: each closed version ends when the next begins.
        Assert.Equal(["0"], await TransformProjects.RowsAsync(Project,
            "SELECT count(*) FROM silver.things_history h WHERE NOT is_current AND NOT EXISTS " +
            "(SELECT 1 FROM silver.things_history n WHERE n.id = h.id AND n.valid_from = h.valid_to)"));
        Assert.Equal(["1|UNO", "3|THREE", "4|FOUR"], await TransformProjects.RowsAsync(Project, "SELECT * FROM silver.things_view ORDER BY id"));
        Assert.Equal(["1|11", "4|40"], await TransformProjects.RowsAsync(Project, "SELECT * FROM silver.big_things_table ORDER BY id"));
        Assert.Equal(["1|uno|11", "2|two|2", "3|three|3", "4|four|40"], await TransformProjects.RowsAsync(Project, "SELECT * FROM silver.things_merged ORDER BY id"));
        Assert.Equal(["1|1", "2|2", "3|3", "4|40"], await TransformProjects.RowsAsync(Project, "SELECT * FROM silver.things_appended ORDER BY id"));
        // delete+insert replaces the keys it selects again; a key gone from the selection stays.
        Assert.Equal(["1|11", "2|2", "3|3", "4|40"], await TransformProjects.RowsAsync(Project, "SELECT * FROM silver.things_replaced ORDER BY id"));

        // TRUNCATE empties the state and closes every version.
        await SourceAsync("TRUNCATE operations.things; INSERT INTO operations.things VALUES (5, 'five', 5)");
        await IngestAndRunAsync();
        await AssertStateAsync();
        Assert.Equal(["5"], await TransformProjects.RowsAsync(Project, "SELECT id FROM silver.things_history WHERE is_current ORDER BY id"));

        // A resync snapshot replaces the state.
        await SourceAsync("INSERT INTO operations.things VALUES (6, 'six', 6); UPDATE operations.things SET n = 50 WHERE id = 5");
        var resync = await Project.RunAsync("ingest", "--once", "--resync", "operations.things");
        Assert.True(resync.ExitCode == 0, resync.ToString());
        await RunAsync();
        await AssertStateAsync();
        Assert.Equal(["5|50", "6|6"], await TransformProjects.RowsAsync(Project, "SELECT id, n FROM silver.things_history WHERE is_current ORDER BY id"));

        // A rerun with nothing new adds nothing.
        var versions = await TransformProjects.RowsAsync(Project, "SELECT count(*) FROM silver.things_history");
        await RunAsync();
        Assert.Equal(versions, await TransformProjects.RowsAsync(Project, "SELECT count(*) FROM silver.things_history"));
    }

    [Fact]
    public async Task A_failure_between_the_model_write_and_its_watermark_loses_and_repeats_nothing()
    {
        await SourceAsync("INSERT INTO operations.things VALUES (1, 'one', 1), (2, 'two', 2)");
        await IngestAndRunAsync();
        await SourceAsync("UPDATE operations.things SET n = n + 100; INSERT INTO operations.things VALUES (3, 'three', 3)");
        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);

        // The watermark table becomes a view: the model's changes are written, then moving the watermark fails.
        await WarehouseAsync("ALTER TABLE _strata.model_state RENAME TO model_state_saved", "CREATE VIEW _strata.model_state AS SELECT * FROM _strata.model_state_saved");
        var failed = await Project.RunAsync("run", "--select", "things", "things_history");
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal(["1|one|1", "2|two|2"], await TransformProjects.RowsAsync(Project, State));
        Assert.Equal(["2"], await TransformProjects.RowsAsync(Project, "SELECT count(*) FROM silver.things_history"));

        await WarehouseAsync("DROP VIEW _strata.model_state", "ALTER TABLE _strata.model_state_saved RENAME TO model_state");
        await RunAsync();
        await AssertStateAsync();
        Assert.Equal(["5|5"], await TransformProjects.RowsAsync(Project,
            "SELECT count(*), count(DISTINCT CAST(_lsn AS VARCHAR) || '/' || CAST(_seq AS VARCHAR)) FROM silver.things_history"));
    }

    private Task SourceAsync(string sql) => Server.ExecuteAsync(sql, Project.Database);

    private async Task WarehouseAsync(params string[] statements)
    {
        await using var warehouse = await BronzeReader.OpenAsync(Project);
        foreach (var statement in statements)
        {
            await warehouse.ExecuteAsync(statement);
        }
    }

    private async Task IngestAndRunAsync()
    {
        var ingest = await Project.RunAsync("ingest", "--once");
        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        await RunAsync();
    }

    private async Task RunAsync()
    {
        var run = await Project.RunAsync("run");
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private async Task AssertStateAsync() =>
        Assert.Equal(await BronzeReader.SourceQueryAsync(Server, Project.Database, SourceState), await TransformProjects.RowsAsync(Project, State));
}

public sealed class DuckDbChangelogModelTests() : ChangelogModelTests("duckdb");

public sealed class PostgresChangelogModelTests() : ChangelogModelTests("postgres");
