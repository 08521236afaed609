using System.Text.RegularExpressions;
using Strata.Transform;
using Strata.Transform.Execution;
using Strata.Transform.Graph;
using Strata.Transform.Project;
using Strata.Transform.Templating;
using Strata.UnitTests.Support;
using Strata.Warehouse.DuckDb;

namespace Strata.UnitTests;

/// <summary>Compiling models: refs to ephemeral models become CTEs in front (their own ephemeral refs first), merged with a model's own WITH.</summary>
public sealed partial class ModelCompilerTests : IDisposable
{
    private static readonly Dictionary<string, string> Files = new()
    {
        ["strata_project.yml"] = "name: unit\nmodels:\n  staging:\n    materialized: ephemeral\n",
        ["sources.yml"] = """
            sources:
              - name: bronze
                schema: bronze
                changelog: true
                tables:
                  - name: orders
                    identifier: operations__orders
            """,
        ["models/staging/stg_numbers.sql"] = "select 1 as n union all select 2 union all select 3;\n",
        ["models/staging/stg_doubled.sql"] = "select n, n * 2 as doubled from {{ ref('stg_numbers') }}",
        ["models/staging/stg_tripled.sql"] = "select d.n, d.doubled, d.doubled + d.n as tripled from {{ ref('stg_doubled') }} d join {{ ref('stg_numbers') }} using (n)",
        ["models/staging/stg_own_with.sql"] = "with t as (select 10 as n) select n from t",
        ["models/staging/stg_orders.sql"] = "select order_id, status, {{ changelog_columns() }} from {{ source('bronze', 'orders') }}",
        ["models/report.sql"] =
            "{{ config(materialized='table', schema='gold') }}\nselect d.n, d.doubled, s.n as again from {{ ref('stg_doubled') }} d join {{ ref('stg_numbers') }} s using (n) order by d.n\n",
        ["models/diamond.sql"] = "select t.tripled, s.n from {{ ref('stg_tripled') }} t join {{ ref('stg_numbers') }} s using (n) order by 1",
        ["models/with_own_cte.sql"] = "-- keeps the larger numbers\nWITH big AS (select n from {{ ref('stg_numbers') }} where n > 1)\nselect n from big order by n",
        ["models/nested_with.sql"] = "select n from {{ ref('stg_own_with') }}",
        ["models/plain.sql"] = "select * from {{ ref('report') }}",
        ["models/open_orders.sql"] = "select * from {{ ref('stg_orders') }} where status <> 'COMPLETED'",
        ["models/growing.sql"] =
            "{{ config(materialized='incremental', incremental_strategy='append') }}select n from {{ ref('report') }}{% if is_incremental() %} where n > (select max(n) from {{ this }}){% endif %}",
    };

    private readonly ProjectFolder _folder = new(Files);
    private readonly RecordingWarehouse _warehouse = new();
    private ProjectGraph? _graph;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Ephemeral_refs_become_ctes_in_front_with_their_own_refs_first()
    {
        var sql = await CompileAsync("report");

        Assert.Equal(["stg_numbers", "stg_doubled"], CteNames(sql));
        Assert.StartsWith("WITH __strata_cte__stg_numbers AS (", sql, StringComparison.Ordinal);
        Assert.Contains("from __strata_cte__stg_numbers", Body(sql, "stg_doubled"), StringComparison.Ordinal);
        Assert.Contains("from __strata_cte__stg_doubled d join __strata_cte__stg_numbers s using (n)", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("config", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ephemeral_model_used_twice_is_one_cte()
    {
        var sql = await CompileAsync("diamond");

        // diamond reads stg_tripled and stg_numbers; stg_tripled reads stg_doubled and stg_numbers; stg_doubled reads stg_numbers.
        Assert.Equal(["stg_numbers", "stg_doubled", "stg_tripled"], CteNames(sql));
        Assert.Single(Regex.Matches(sql, @"__strata_cte__stg_numbers AS \("));
    }

    [Fact]
    public async Task The_body_of_a_cte_loses_its_trailing_semicolon()
    {
        var sql = await CompileAsync("report");

        Assert.Equal("select 1 as n union all select 2 union all select 3", Body(sql, "stg_numbers"));
        Assert.DoesNotContain(";", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_models_own_with_is_joined_not_repeated()
    {
        var sql = await CompileAsync("with_own_cte");

        Assert.Single(WithKeyword().Matches(sql));
        Assert.Equal(["stg_numbers"], CteNames(sql));
        Assert.Matches(@"^WITH __strata_cte__stg_numbers AS \(\n.*\n\),\s*big AS \(select n from __strata_cte__stg_numbers where n > 1\)", sql);
    }

    [Fact]
    public async Task A_ref_to_a_built_model_is_its_relation_and_no_cte()
    {
        var sql = await CompileAsync("plain");

        Assert.Equal("select * from \"gold\".\"report\"", sql);
    }

    [Fact]
    public async Task The_changelog_window_stands_in_for_the_source_inside_ephemeral_models_too()
    {
        var graph = await GraphAsync();
        var compiler = new ModelCompiler(graph, _warehouse, null);

        var normal = await compiler.CompileAsync(graph["open_orders"], false);
        var windowed = await compiler.CompileAsync(graph["open_orders"], false, changes: "\"window_of_changes\"");

        Assert.Contains("from \"bronze\".\"operations__orders\"", Body(normal, "stg_orders"), StringComparison.Ordinal);
        Assert.Contains("from \"window_of_changes\"", Body(windowed, "stg_orders"), StringComparison.Ordinal);
        Assert.DoesNotContain("operations__orders", windowed, StringComparison.Ordinal);
        Assert.Contains("_op, _lsn, _seq, _commit_ts", windowed, StringComparison.Ordinal);
        Assert.Equal(["bronze.orders"], compiler.SourcesRead(graph["open_orders"]).Select(s => s.FullName));
    }

    [Fact]
    public async Task Is_incremental_and_this_follow_the_run()
    {
        var graph = await GraphAsync();
        var compiler = new ModelCompiler(graph, _warehouse, null);

        var first = await compiler.CompileAsync(graph["growing"], isIncremental: false);
        var later = await compiler.CompileAsync(graph["growing"], isIncremental: true);

        Assert.Equal("select n from \"gold\".\"report\"", first);
        Assert.Equal("select n from \"gold\".\"report\" where n > (select max(n) from \"analytics\".\"growing\")", later);
    }

    [Fact]
    public async Task The_compiled_sql_is_written_under_the_compiled_folder()
    {
        var graph = await GraphAsync();
        var target = Path.Combine(_folder.Path, "target", "compiled");
        var compiler = new ModelCompiler(graph, _warehouse, target);

        var sql = await compiler.CompileAsync(graph["report"], false);

        Assert.Equal(sql, await File.ReadAllTextAsync(Path.Combine(target, "models", "report.sql")));
    }

    [Fact]
    public async Task A_report_query_gets_the_ctes_and_names_the_models_it_reads()
    {
        var graph = await GraphAsync();
        var compiler = new ModelCompiler(graph, _warehouse, null);
        var template = SqlTemplates.Parse("select * from {{ ref('stg_doubled') }} join {{ ref('report') }} using (n) where n > {{ param('least') }}", "reports/r.sql");

        var (sql, refs) = await compiler.CompileQueryAsync("report r", "reports/r.sql", template, name => $"$1 /* {name} */");

        Assert.Equal(["stg_numbers", "stg_doubled"], CteNames(sql));
        Assert.EndsWith("select * from __strata_cte__stg_doubled join \"gold\".\"report\" using (n) where n > $1 /* least */", sql, StringComparison.Ordinal);
        Assert.Equal(["stg_doubled", "report"], refs);
    }

    [Fact]
    public async Task A_report_referring_to_no_model_is_named_with_a_suggestion()
    {
        var compiler = new ModelCompiler(await GraphAsync(), _warehouse, null);
        var template = SqlTemplates.Parse("select * from {{ ref('stg_dubled') }}", "reports/r.sql");

        var error = await Assert.ThrowsAsync<TransformException>(() => compiler.CompileQueryAsync("report r", "reports/r.sql", template, n => n));

        Assert.StartsWith("reports/r.sql: report r refers to ref('stg_dubled')", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(did you mean 'stg_doubled'?)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("select 1 ;  \n", "WITH a AS (\nselect 0\n)\nselect 1")]
    [InlineData("with x as (select 1) select * from x", "WITH a AS (\nselect 0\n),\nx as (select 1) select * from x")]
    [InlineData("  /* note */\n  With x as (select 1) select * from x;", "WITH a AS (\nselect 0\n),\nx as (select 1) select * from x")]
    [InlineData("select 'with' as word, without from withdrawals", "WITH a AS (\nselect 0\n)\nselect 'with' as word, without from withdrawals")]
    public void Ctes_go_in_front_of_a_statement_or_into_its_with(string sql, string expected)
    {
        Assert.Equal(expected, ModelCompiler.WithCtes(sql, [("a", "select 0")]));
    }

    [Fact]
    public void Without_ctes_the_statement_is_only_trimmed()
    {
        Assert.Equal("with x as (select 1) select * from x", ModelCompiler.WithCtes("\n with x as (select 1) select * from x;;\n", []));
    }

    [Theory]
    [InlineData("report", "1 2 1|2 4 2|3 6 3")]
    [InlineData("diamond", "3 1|6 2|9 3")]
    [InlineData("with_own_cte", "2|3")]
    [InlineData("nested_with", "10")]
    public async Task The_merged_sql_runs_on_duckdb_and_returns_the_rows(string model, string expected)
    {
        await using var duckDb = await DuckDbWarehouse.OpenAsync(Path.Combine(_folder.Path, "warehouse.duckdb"));
        var graph = await GraphAsync();

        var sql = await new ModelCompiler(graph, duckDb, null).CompileAsync(graph[model], false);
        var rows = await duckDb.QueryAsync(sql);

        Assert.Equal(expected, string.Join('|', rows.Select(r => string.Join(' ', r))));
    }

    private async Task<ProjectGraph> GraphAsync() => _graph ??= new ProjectGraph(await ProjectLoader.LoadAsync(_folder.Path));

    private async Task<string> CompileAsync(string model)
    {
        var graph = await GraphAsync();
        return await new ModelCompiler(graph, _warehouse, null).CompileAsync(graph[model], false);
    }

    private static List<string> CteNames(string sql) =>
        CteDefinition().Matches(sql).Select(m => m.Groups[1].Value).ToList();

    private static string Body(string sql, string model)
    {
        var match = Regex.Match(sql, $@"__strata_cte__{model} AS \(\n(.*?)\n\)", RegexOptions.Singleline);
        Assert.True(match.Success, $"no CTE for {model} in:\n{sql}");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"(?:^WITH |,\n)__strata_cte__(\w+) AS \(", RegexOptions.Multiline)]
    private static partial Regex CteDefinition();

    [GeneratedRegex(@"\bwith\b", RegexOptions.IgnoreCase)]
    private static partial Regex WithKeyword();
}
