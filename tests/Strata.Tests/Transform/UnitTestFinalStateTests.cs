using System.Text.Json;
using Strata.Tests.Source;

namespace Strata.Tests.Transform;

/// <summary>
/// Unit tests of a model's final state (<c>expect: {state: final}</c>): given the table before a run (<c>this</c>) and
/// new input, the table after it — what dbt's unit tests cannot assert (dbt-core #8664) — on each warehouse, for every
/// incremental strategy and both changelog materializations; and nothing a unit test makes is left behind.
/// </summary>
public abstract class UnitTestFinalStateTests(string engine) : SharedServerTest($"unitfinal_{engine}")
{
    /// <summary>The seed the incremental models read, and what the built models must hold (an oracle written apart from the code).</summary>
    private const string Orders = "id,status,amount,updated_at\n1,open,10.00,2026-01-01 00:00:00\n2,open,20.00,2026-01-01 00:00:00\n";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseWarehouseEngine(engine);
        await UsePipelineAsync(engine, "unitfinal");
        var folder = Path.Combine(Project.Directory, "shop");
        TransformProjects.Write(folder, new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\nseeds:\n  shop:\n    things_changes:\n      +schema: bronze\n",
            ["seeds/orders.csv"] = Orders,
            ["seeds/things_changes.csv"] =
                "id,name,_op,_lsn,_seq,_commit_ts\n1,a,r,10,0,2026-01-01 00:00:00\n2,b,r,10,1,2026-01-01 00:00:00\n",
            ["models/sources.yml"] = """
                version: 2
                sources:
                  - name: bronze
                    schema: bronze
                    changelog: true
                    tables: [{name: things, identifier: things_changes}]
                """,
            ["models/orders_merged.sql"] = """
                {{ config(materialized='incremental', unique_key='id') }}
                select id, status, amount, updated_at from {{ ref('orders') }}
                {% if is_incremental() %} where updated_at > (select max(updated_at) from {{ this }}) {% endif %}
                """,
            ["models/orders_appended.sql"] = """
                {{ config(materialized='incremental', incremental_strategy='append') }}
                select id, status from {{ ref('orders') }}
                {% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}
                """,
            ["models/orders_replaced.sql"] = """
                {{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='id') }}
                select id, status from {{ ref('orders') }} where status <> 'void'
                """,
            ["models/orders_table.sql"] = "{{ config(materialized='table') }}\nselect id from {{ ref('orders') }}",
            ["models/things.sql"] = "{{ config(materialized='current_state', unique_key='id') }}\nselect id, name, {{ changelog_columns() }} from {{ source('bronze', 'things') }}",
            ["models/things_history.sql"] = "{{ config(materialized='history', unique_key='id') }}\nselect id, name, {{ changelog_columns() }} from {{ source('bronze', 'things') }}",
            ["models/unit.yml"] = """
                version: 2
                unit_tests:
                  - name: merge_updates_newer_rows_and_keeps_the_rest
                    model: orders_merged
                    given:
                      - input: this
                        rows:
                          - {id: 1, status: open, amount: 10, updated_at: '2026-01-01 00:00:00'}
                          - {id: 2, status: open, amount: 20, updated_at: '2026-01-01 00:00:00'}
                      - input: ref('orders')
                        rows:
                          - {id: 1, status: shipped, amount: 10, updated_at: '2026-01-02 00:00:00'}
                          - {id: 2, status: closed, amount: 99, updated_at: '2025-12-31 00:00:00'}
                          - {id: 3, status: open, amount: 30, updated_at: '2026-01-02 00:00:00'}
                    expect:
                      state: final
                      rows:
                        - {id: 1, status: shipped, amount: 10}
                        - {id: 2, status: open, amount: 20}
                        - {id: 3, status: open, amount: 30}
                  - name: the_select_alone_is_what_dbt_compares
                    model: orders_merged
                    overrides: {macros: {is_incremental: true}}
                    given:
                      - input: this
                        rows: [{id: 1, updated_at: '2026-01-01 00:00:00'}]
                      - input: ref('orders')
                        rows:
                          - {id: 1, status: shipped, updated_at: '2026-01-02 00:00:00'}
                          - {id: 2, status: closed, updated_at: '2025-12-31 00:00:00'}
                    expect:
                      rows: [{id: 1, status: shipped}]
                  - name: append_adds_only_new_ids
                    model: orders_appended
                    given:
                      - input: this
                        rows: [{id: 1, status: open}, {id: 2, status: open}]
                      - input: ref('orders')
                        format: csv
                        rows: |
                          id,status
                          2,changed
                          3,open
                    expect:
                      state: final
                      rows: [{id: 1, status: open}, {id: 2, status: open}, {id: 3, status: open}]
                  - name: delete_insert_replaces_the_keys_it_reads
                    model: orders_replaced
                    given:
                      - input: this
                        rows: [{id: 1, status: open}, {id: 2, status: open}]
                      - input: ref('orders')
                        rows: [{id: 2, status: shipped}, {id: 3, status: void}]
                    expect:
                      state: final
                      rows: [{id: 1, status: open}, {id: 2, status: shipped}]
                  - name: current_state_applies_updates_deletes_and_inserts
                    model: things
                    given:
                      - input: this
                        rows:
                          - {id: 1, name: a, _lsn: 10, _commit_ts: '2026-01-01 00:00:00'}
                          - {id: 2, name: b, _lsn: 10, _commit_ts: '2026-01-01 00:00:00'}
                      - input: source('bronze', 'things')
                        rows:
                          - {id: 1, name: a2, _op: u, _lsn: 20, _seq: 0, _commit_ts: '2026-01-02 00:00:00'}
                          - {id: 2, name: b, _op: d, _lsn: 30, _seq: 0, _commit_ts: '2026-01-03 00:00:00'}
                          - {id: 3, name: c, _op: c, _lsn: 40, _seq: 0, _commit_ts: '2026-01-04 00:00:00'}
                          - {id: 3, name: c2, _op: u, _lsn: 40, _seq: 1, _commit_ts: '2026-01-04 00:00:00'}
                    expect:
                      state: final
                      rows: [{id: 1, name: a2}, {id: 3, name: c2}]
                  - name: history_closes_the_current_version_and_opens_the_next
                    model: things_history
                    given:
                      - input: this
                        rows:
                          - {id: 1, name: a, _lsn: 10, _seq: 0, valid_from: '2026-01-01 00:00:00', is_current: true, is_deleted: false}
                      - input: source('bronze', 'things')
                        rows:
                          - {id: 1, name: a2, _op: u, _lsn: 20, _seq: 0, _commit_ts: '2026-01-02 00:00:00'}
                          - {id: 1, name: a2, _op: d, _lsn: 30, _seq: 0, _commit_ts: '2026-01-03 00:00:00'}
                    expect:
                      state: final
                      rows:
                        - {id: 1, name: a, valid_to: '2026-01-02 00:00:00', is_current: false, is_deleted: false}
                        - {id: 1, name: a2, valid_to: '2026-01-03 00:00:00', is_current: false, is_deleted: false}
                        - {id: 1, name: a2, valid_to: null, is_current: true, is_deleted: true}
                  - name: a_wrong_final_state_fails
                    model: things
                    given:
                      - input: this
                        rows: [{id: 1, name: a, _lsn: 10}]
                      - input: source('bronze', 'things')
                        rows: [{id: 1, name: a, _op: d, _lsn: 20, _seq: 0, _commit_ts: '2026-01-02 00:00:00'}]
                    expect:
                      state: final
                      rows: [{id: 1, name: a}]
                  - name: a_table_has_no_final_state
                    model: orders_table
                    given:
                      - input: ref('orders')
                        rows: [{id: 1}]
                    expect:
                      state: final
                      rows: [{id: 1}]
                """,
        });
        Project.Environment["STRATA_TRANSFORM_PROJECT"] = folder;
    }

    [Fact]
    public async Task Final_state_unit_tests_apply_the_run_to_the_given_table_and_leave_nothing_behind()
    {
        var seed = await Project.RunAsync("seed");
        Assert.True(seed.ExitCode == 0, seed.ToString());

        var build = await Project.RunAsync("build", "--json");

        // One test fails on purpose and one is an error: the build says so.
        Assert.Equal(1, build.ExitCode);
        using var json = JsonDocument.Parse(build.Output);
        var results = TransformProjects.TestOutcomes(build.Output);
        Assert.Equal(("pass", 0L), results["merge_updates_newer_rows_and_keeps_the_rest"]);
        Assert.Equal(("pass", 0L), results["the_select_alone_is_what_dbt_compares"]);
        Assert.Equal(("pass", 0L), results["append_adds_only_new_ids"]);
        Assert.Equal(("pass", 0L), results["delete_insert_replaces_the_keys_it_reads"]);
        Assert.Equal(("pass", 0L), results["current_state_applies_updates_deletes_and_inserts"]);
        Assert.Equal(("pass", 0L), results["history_closes_the_current_version_and_opens_the_next"]);
        // The key was deleted: the expected row is missing.
        Assert.Equal(("fail", 1L), results["a_wrong_final_state_fails"]);
        Assert.Equal(("error", 0L), results["a_table_has_no_final_state"]);
        var error = Assert.Single(json.RootElement.GetProperty("tests").EnumerateArray(), t => t.GetProperty("test").GetString() == "a_table_has_no_final_state");
        Assert.Contains("orders_table", error.GetProperty("error").GetString(), StringComparison.Ordinal);

        // The models hold what the build wrote from the seeds, untouched by the tests' given rows.
        Assert.Equal(["1|open|10", "2|open|20"], await TransformProjects.RowsAsync(Project, "SELECT id, status, amount FROM analytics.orders_merged ORDER BY id"));
        Assert.Equal(["1|open", "2|open"], await TransformProjects.RowsAsync(Project, "SELECT id, status FROM analytics.orders_appended ORDER BY id"));
        Assert.Equal(["1|a", "2|b"], await TransformProjects.RowsAsync(Project, "SELECT id, name FROM analytics.things ORDER BY id"));
        Assert.Equal(["2"], await TransformProjects.RowsAsync(Project, "SELECT count(*) FROM analytics.things_history"));
        Assert.Equal(["0"], await TransformProjects.RowsAsync(Project,
            "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'strata_unit%' OR table_name LIKE 'strata_batch%'"));
    }
}

public sealed class DuckDbUnitTestFinalStateTests() : UnitTestFinalStateTests("duckdb");

public sealed class PostgresUnitTestFinalStateTests() : UnitTestFinalStateTests("postgres");
