using Strata.Testing;

namespace Strata.Tests.Transform;

/// <summary>Every project mistake is one line naming the model and file (and line), with exit code 1.</summary>
public sealed class TransformErrorTests : IDisposable
{
    private readonly TestProject _project = TestProject.Empty();

    private string Folder => Path.Combine(_project.Directory, "analytics");

    public void Dispose() => _project.Dispose();

    [Theory]
    [InlineData("models/a.sql", "select * from {{ ref('ordrs') }}", "models/a.sql:1: model a refers to ref('ordrs'), which is no model (did you mean 'orders'?)")]
    [InlineData("models/a.sql", "select * from {{ source('bronze', 'x') }}", "models/a.sql:1: model a reads source bronze.x, which no sources.yml declares")]
    [InlineData("models/a.sql", "select {% if x %} 1", "models/a.sql:1:8: {% if %} is never closed; expected {% endif %}")]
    [InlineData("models/a.sql", "select {{ nope }}", "models/a.sql:1:11: 'nope' is undefined")]
    [InlineData("models/a.sql", "{% if is_incremental %}select 1{% endif %}", "models/a.sql:1:7: write is_incremental() with parentheses")]
    [InlineData("models/a.sql", "{{ config(materialized='tabel') }}select 1", "models/a.sql: model a materialized='tabel' is not a materialization (did you mean 'table'?)")]
    [InlineData("models/a.sql", "{{ config(materialized='current_state') }}select 1", "models/a.sql: model a is current_state and needs unique_key")]
    [InlineData("models/a.yml", "models:\n  - name: orders\n    colums: []\n", "models/a.yml:3:5:")]
    [InlineData("models/a.yml", "models:\n  - name: orders\n    columns:\n      - name: id\n        tests: [uniq]\n", "models/a.yml: orders.id has an unknown test 'uniq'; generic tests are not_null, unique")]
    [InlineData("models/b.sql", "select * from {{ ref('c') }}", "models form a cycle: b → c → b")]
    public async Task A_project_mistake_is_one_line_naming_where(string file, string text, string expected)
    {
        Write(new Dictionary<string, string>
        {
            ["strata_project.yml"] = "name: broken\n",
            ["models/orders.sql"] = "select 1 as id",
            ["models/c.sql"] = "select * from {{ ref('b') }}",
            [file] = text,
        });
        if (file != "models/b.sql")
        {
            File.Delete(Path.Combine(Folder, "models/c.sql"));
        }

        var result = await _project.RunAsync("compile");
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sql_error_names_the_model_its_file_and_the_compiled_sql_and_skips_what_depends_on_it()
    {
        Write(new Dictionary<string, string>
        {
            ["strata_project.yml"] = "name: broken\n",
            ["models/good.sql"] = "{{ config(materialized='table') }}\nselect 1 as id",
            ["models/bad.sql"] = "{{ config(materialized='table') }}\nselect * from no_such_table",
            ["models/after_bad.sql"] = "select * from {{ ref('bad') }}",
        });

        var result = await _project.RunAsync("run");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: models/bad.sql: model bad failed in the warehouse:", result.Error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("target", "compiled", "models", "bad.sql"), result.Error, StringComparison.Ordinal);
        Assert.Contains("SKIP   after_bad (upstream bad failed)", result.Error, StringComparison.Ordinal);
        Assert.Contains("OK     good", result.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_project.Directory, "target", "compiled", "models", "bad.sql")));

        var results = await File.ReadAllTextAsync(Path.Combine(_project.Directory, "target", "run_results.json"));
        Assert.Contains("\"status\": \"error\"", results, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"skipped\"", results, StringComparison.Ordinal);
        var manifest = await File.ReadAllTextAsync(Path.Combine(_project.Directory, "target", "manifest.json"));
        Assert.Contains("\"depends_on\": [\n        \"model.bad\"", manifest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tests_report_failing_rows_with_a_sample_and_warn_severity_does_not_fail_the_build()
    {
        Write(new Dictionary<string, string>
        {
            ["strata_project.yml"] = "name: tested\nvars:\n  limit: 2\n",
            ["macros/values.sql"] = "{% macro numbers(n) %}select * from (values {% for i in range(1, n + 1) %}({{ i }}, 'v{{ i }}'){% if not loop.last %}, {% endif %}{% endfor %}) as t(id, label){% endmacro %}",
            ["models/numbers.sql"] = "{{ config(materialized='table') }}\n{{ numbers(3) }}\nunion all select 3, 'dup'",
            ["models/numbers.yml"] = """
                models:
                  - name: numbers
                    columns:
                      - name: id
                        tests:
                          - unique
                          - accepted_values:
                              values: [1, 2, 3]
                      - name: label
                        tests:
                          - expression:
                              expression: "length(label) < 3"
                              severity: warn
                """,
            ["tests/at_most_limit.sql"] = "select * from {{ ref('numbers') }} where id > {{ var('limit') }}",
        });

        var result = await _project.RunAsync("build");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL   unique_numbers_id: 1 failing row(s), e.g. id=3, occurrences=2", result.Error, StringComparison.Ordinal);
        Assert.Contains("WARN   expression_numbers_label: 1 failing row(s), e.g. id=3, label=dup", result.Error, StringComparison.Ordinal);
        Assert.Contains("FAIL   at_most_limit: 2 failing row(s)", result.Error, StringComparison.Ordinal);
        Assert.Contains("PASS   accepted_values_numbers_id", result.Output, StringComparison.Ordinal);

        var ls = await _project.RunAsync("ls", "--json");
        Assert.Contains("\"name\": \"numbers\"", ls.Output, StringComparison.Ordinal);
    }

    private void Write(Dictionary<string, string> files)
    {
        TransformProjects.Write(Folder, files);
        _project.Environment["STRATA_TRANSFORM_PROJECT"] = Folder;
    }
}
