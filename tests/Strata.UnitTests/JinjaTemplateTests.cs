using Strata.Transform;
using Strata.Transform.Templating;

namespace Strata.UnitTests;

/// <summary>The Jinja subset models are written in: exact output for each construct, one-line errors at line:column for the rest.</summary>
public sealed class JinjaTemplateTests
{
    private const string Macros = """
        {% macro cents(col, scale=100) %}({{ col }} / {{ scale }}.0){% endmacro %}
        {% macro pick(items) %}{% for i in items %}{% if i > 1 %}{{ return(i) }}{% endif %}{% endfor %}{{ return(none) }}{% endmacro %}
        {% macro default__quote(x) %}"{{ x }}"{% endmacro %}
        {% macro duckdb__now() %}now()::timestamp{% endmacro %}
        {% macro default__now() %}current_timestamp{% endmacro %}
        {% macro greet(name, greeting='hello', punct='!') -%}
            {{ greeting }} {{ name }}{{ punct }}
        {%- endmacro %}
        """;

    [Theory]
    [InlineData("select 1", "select 1")]
    [InlineData("a {# a comment #}b", "a b")]
    [InlineData("a\n  {#- trimmed -#}\n  b", "ab")]
    [InlineData("a\n{{- 'x' -}}\nb", "axb")]
    [InlineData("a\n  {%- if true -%}\n  b\n  {%- endif -%}\n c", "abc")]
    [InlineData("a\n{% if true %}\nb\n{% endif %}\n", "a\n\nb\n\n")]
    [InlineData("{{ 'it''s' }} {{ \"say \\\"hi\\\"\" }} {{ 'a\\nb' }}", "its say \"hi\" a\nb")]
    [InlineData("{{ 1 + 2 * 3 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ 7 / 2 }} {{ -7 // 2 }} {{ 2 ** 3 }} {{ 1.5 + 1 }} {{ 4 / 2 }}", "7 3 1 3.5 -4 8 2.5 2.0")]
    [InlineData("{{ 'a' ~ 1 ~ none }} {{ 'a' + 'b' }} {{ [1] + [2] }}", "a1None ab [1, 2]")]
    [InlineData("{{ true }} {{ False }} {{ none }} {{ None is none }}", "True False None True")]
    [InlineData("{{ 1 == 1.0 }} {{ 'a' != 'b' }} {{ 2 < 3 }} {{ 3 <= 2 }} {{ 'b' > 'a' }} {{ 1 >= 1 }}", "True True True False True True")]
    [InlineData("{{ 1 and 0 }} {{ 0 or 'x' }} {{ not [] }} {{ not 1 == 2 }}", "0 x True True")]
    [InlineData("{{ 'a' in 'cat' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }}", "True True True True")]
    [InlineData("{{ 'yes' if 1 > 0 else 'no' }} {{ 'yes' if [] else 'no' }}", "yes no")]
    [InlineData("{% for c in ['a', 'b'] %}{{ c }}{{ ', ' if not loop.last }}{% endfor %}", "a, b")]
    [InlineData("{{ [1, 'a', [2]] }} {{ {'k': 'v', 'n': 1} }} {{ (1, 2) }}", "[1, 'a', [2]] {'k': 'v', 'n': 1} [1, 2]")]
    [InlineData("{{ [10, 20][1] }} {{ [10, 20][-1] }} {{ {'a': {'b': 3}}['a']['b'] }} {{ {'a': {'b': 3}}.a.b }} {{ 'abc'[0] }}", "20 20 3 3 a")]
    [InlineData("{% set x = 3 %}{% set y, z = 1, 2 %}{{ x }}{{ y }}{{ z }}", "312")]
    [InlineData("{% set cols %}\n  a, b\n{% endset %}[{{ cols | trim }}]", "[a, b]")]
    [InlineData("{% if 0 %}a{% elif 1 %}b{% else %}c{% endif %}{% if none %}x{% else %}y{% endif %}", "by")]
    [InlineData("{% for x in ['a', 'b', 'c'] %}{{ loop.index }}{{ loop.index0 }}{{ x }}{{ loop.length }}{% if loop.first %}F{% endif %}{% if not loop.last %},{% endif %}{% endfor %}", "10a3F,21b3,32c3")]
    [InlineData("{% for x in [] %}x{% else %}empty{% endfor %}", "empty")]
    [InlineData("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}", "a=1;b=2;")]
    [InlineData("{% for k in {'a': 1, 'b': 2} %}{{ k }}{% endfor %}{% for i in range(3) %}{{ i }}{% endfor %}{% for i in range(1, 7, 2) %}{{ i }}{% endfor %}", "ab012135")]
    [InlineData("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}", "1")]
    [InlineData("{% set l = [] %}{% do l.append(1) %}{{ l.append(2) }}{{ l }}", "[1, 2]")]
    [InlineData("{{ ['a', 'b'] | join(', ') }} {{ ['a', 'b'] | join }} {{ 'AbC' | lower }} {{ 'abc' | upper }} {{ 'a-b' | replace('-', '_') }}", "a, b ab abc ABC a_b")]
    [InlineData("{{ nope | default('d') }} {{ none | default('d') }} {{ '' | d('e', true) }} {{ {'a': 1}.b | default(2) }}", "d None e 2")]
    [InlineData("{{ [1, 2] | length }} {{ 'abc' | count }} {{ '  x ' | trim }} {{ 'hello big world' | title }} {{ 12 | string ~ 'x' }}", "2 3 x Hello Big World 12x")]
    [InlineData("{{ '42' | int + 1 }} {{ 'x' | int }} {{ 3.9 | int }} {{ 'ab' | list }} {{ [3, 4] | first }} {{ [3, 4] | last }} {{ [1, 2, 1] | unique }}", "43 0 3 ['a', 'b'] 3 4 [1, 2]")]
    [InlineData("{{ 2.567 | round(2) }} {{ 2.5 | round }} {{ 2.1 | round(0, 'ceil') }} {{ 'x' | upper | lower }}", "2.57 3.0 3.0 x")]
    [InlineData("{{ ' A ' .strip() .lower() }} {{ 'abc'.upper() }} {{ 'a,b'.split(',') }} {{ 'a_b'.replace('_', '-') }} {{ 'abc'.startswith('ab') }} {{ 'abc'.endswith('x') }}", "a ABC ['a', 'b'] a-b True False")]
    [InlineData("{{ {'a': 1}.keys() }} {{ {'a': 1}.values() }} {{ {'a': 1}.get('a') }} {{ {'a': 1}.get('b', 'no') }} {{ {'a': 1}.get('b') }}", "['a'] [1] 1 no None")]
    [InlineData("{{ x is defined }} {{ x is not defined }} {{ target is defined }} {{ target.nope is defined }} {{ none is not none }}", "False True True False False")]
    [InlineData("{{ target.name }} {{ target.schema }} {{ target.type }}", "dev main duckdb")]
    [InlineData("{{ cents('price') }} {{ cents('price', 1000) }} {{ cents(scale=10, col='p') }}", "(price / 100.0) (price / 1000.0) (p / 10.0)")]
    [InlineData("[{{ greet('ann') }}] [{{ greet('bob', punct='?') }}]", "[hello ann!] [hello bob?]")]
    [InlineData("{{ pick([1, 5, 7]) }} {{ pick([0]) }} {{ pick([3]) + 1 }}", "5 None 4")]
    [InlineData("{{ adapter.dispatch('now')() }} {{ adapter.dispatch('quote')('q') }} {{ adapter.dispatch('cents')('c') }}", "now()::timestamp \"q\" (c / 100.0)")]
    [InlineData("{% macro local(x) %}<{{ x }}>{% endmacro %}{{ local(1) }}", "<1>")]
    [InlineData("{{ this }} {{ ref('orders') }} {{ ref('unit', 'orders') }} {{ source('bronze', 'orders') }}", "\"gold\".\"m\" \"main\".\"orders\" \"main\".\"orders\" \"bronze\".\"orders\"")]
    [InlineData("{{ var('limit') }} {{ var('missing', 5) }} {{ var('names') | join('|') }} {% if is_incremental() %}inc{% endif %}", "2 5 a|b ")]
    [InlineData("{{ changelog_columns() }} {{ days_between('a', 'b') }} {{ hash_text('x') }}", "_op, _lsn, _seq, _commit_ts days_between(a, b) hash_text(x)")]
    [InlineData("<p>{{ '<b>&' }}</p>", "<p><b>&</p>")]
    public async Task A_construct_renders_exactly(string text, string expected)
    {
        Assert.Equal(expected, await RenderAsync(text));
    }

    [Fact]
    public async Task Config_records_keyword_arguments_and_renders_nothing()
    {
        var scope = Scope();
        var sql = await RenderAsync("{{ config(materialized='incremental', unique_key=['a', 'b'], enabled=false, n=3) }}select 1", scope);

        Assert.Equal("select 1", sql);
        Assert.Equal("incremental", scope.Config["materialized"]);
        Assert.Equal(new List<string> { "a", "b" }, scope.Config["unique_key"]);
        Assert.Equal(false, scope.Config["enabled"]);
        Assert.Equal("3", scope.Config["n"]);
        Assert.Empty(scope.Refs);
    }

    [Fact]
    public async Task Refs_and_sources_are_recorded()
    {
        var scope = Scope();
        await RenderAsync("{{ ref('a') }}{{ ref('unit', 'b') }}{{ source('bronze', 'orders') }}", scope);

        Assert.Equal(["a", "b"], scope.Refs);
        Assert.Equal(["bronze.orders"], scope.Sources);
    }

    [Fact]
    public async Task Env_var_reads_the_environment_with_a_default()
    {
        Environment.SetEnvironmentVariable("STRATA_JINJA_TEST_VALUE", "from-env");
        try
        {
            Assert.Equal("from-env fallback", await RenderAsync("{{ env_var('STRATA_JINJA_TEST_VALUE') }} {{ env_var('STRATA_JINJA_TEST_UNSET', 'fallback') }}"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("STRATA_JINJA_TEST_VALUE", null);
        }
    }

    [Fact]
    public async Task Is_incremental_answers_from_the_scope()
    {
        var scope = new RenderScope
        {
            Subject = "model m", Path = "models/m.sql", Ref = n => n, Source = (s, t) => $"{s}.{t}", Vars = new Dictionary<string, object?>(), Warehouse = null,
            IsIncremental = true, This = "t",
        };

        Assert.Equal("where x > (select max(x) from t)", await RenderAsync("where x > {% if is_incremental() %}(select max(x) from {{ this }}){% endif %}", scope));
    }

    [Fact]
    public async Task Run_query_returns_none_while_the_project_only_loads_as_in_dbts_parse_phase()
    {
        var rendered = await RenderAsync("{% set r = run_query('select 1') %}{{ execute }} {{ r is none }}{% if execute %}{{ r.rows[0][0] }}{% endif %}");

        Assert.Equal("False True", rendered);
    }

    [Theory]
    [InlineData("select {% call foo() %}x{% endcall %}", "models/m.sql:1:11: {% call %} is not supported; call the macro in an expression instead: {{ name(args) }}")]
    [InlineData("a\n  {% frobnicate %}", "models/m.sql:2:6: unknown tag 'frobnicate'")]
    [InlineData("{% unless x %}a{% endunless %}", "models/m.sql:1:4: unknown tag 'unless' (Liquid); templates are Jinja: write {% if not … %}")]
    [InlineData("{% include 'x.sql' %}", "models/m.sql:1:4: {% include %} is not supported")]
    [InlineData("{% test positive(model, column_name) %}select 1", "models/m.sql:1:1: {% test %} is never closed; expected {% endtest %}")]
    [InlineData("{% test positive(model column_name) %}{% endtest %}", "models/m.sql:1:24: expected , between the parameters of test positive, found 'column_name'")]
    [InlineData("select {{ 'a' | foo }}", "models/m.sql:1:15: unknown filter 'foo'")]
    [InlineData("select\n  {{ nope }}", "models/m.sql:2:6: 'nope' is undefined")]
    [InlineData("select {{ dbt_utils.star(ref('a')) }}", "models/m.sql:1:11: 'dbt_utils' is undefined: it is a dbt package, and packages are not supported (docs/dbt.md); write the SQL or a macro of your own")]
    [InlineData("{% for i in [1] %}{{ forloop.index }}{% endfor %}", "models/m.sql:1:22: 'forloop' is undefined (Liquid); templates are Jinja: write loop.index, loop.first, loop.last")]
    [InlineData("select {% if x %} 1", "models/m.sql:1:8: {% if %} is never closed; expected {% endif %}")]
    [InlineData("{% for x in y %}{% if x %}{% endfor %}", "models/m.sql:1:30: unexpected {% endfor %} inside {% if %}; expected {% endif %}")]
    [InlineData("{% endif %}", "models/m.sql:1:4: unexpected {% endif %}: no block is open")]
    [InlineData("select {{ ref('x' }}", "models/m.sql:1:19: expected , or ) in the call of ref(), found }}")]
    [InlineData("select {{ 1 + }}", "models/m.sql:1:15: expected an expression, found }}")]
    [InlineData("select {{ 1 2 }}", "models/m.sql:1:13: expected }} after the expression, found '2'")]
    [InlineData("{{ x | join: ', ' }}", "models/m.sql:1:12: expected }} after the expression, found ':' (filter arguments go in parentheses: join(', '))")]
    [InlineData("select {{ ref('x')", "models/m.sql:1:8: {{ is never closed; expected }}")]
    [InlineData("{% if is_incremental %}x{% endif %}", "models/m.sql:1:7: write is_incremental() with parentheses (without them the condition is always true)")]
    [InlineData("{{ 'a' - 1 }}", "models/m.sql:1:8: cannot apply - to string and integer")]
    [InlineData("{{ target.nope }}", "models/m.sql:1:10: target (dict) has no attribute 'nope'")]
    [InlineData("{{ cents }}", "models/m.sql:1:4: cents is a macro; call it: cents(…)")]
    [InlineData("{{ cents() }}", "models/m.sql:1:9: macro cents() is missing its argument 'col'")]
    [InlineData("{{ cents('a', 1, 2) }}", "models/m.sql:1:9: macro cents() takes 2 argument(s), not 3")]
    [InlineData("{{ var('undeclared') }}", "models/m.sql:1:7: model m uses var('undeclared'), which strata_project.yml does not define and has no default; add it under vars:")]
    [InlineData("{{ env_var('STRATA_JINJA_TEST_UNSET') }}", "models/m.sql:1:11: env_var('STRATA_JINJA_TEST_UNSET') is not set and has no default")]
    [InlineData("{{ ref('other', 'orders') }}", "models/m.sql:1:7: ref('other', 'orders'): there are no packages; 'other' is not this project (unit)")]
    [InlineData("{{ adapter.dispatch('nothing')() }}", "models/m.sql:1:20: adapter.dispatch('nothing') finds no macro duckdb__nothing, default__nothing or nothing")]
    [InlineData("{{ return(1) }}", "models/m.sql:1:10: return() is only allowed inside a macro")]
    [InlineData("{{ config('table') }}", "models/m.sql:1:10: config() takes keyword arguments: config(materialized='table')")]
    [InlineData("{{ 'x' }\n", "models/m.sql:1:1: {{ is never closed; expected }}")]
    [InlineData("{# never closed", "models/m.sql:1:1: {# is never closed; expected #}")]
    [InlineData("{{ 'abc }}", "models/m.sql:1:4: string is never closed")]
    [InlineData("{{ [1][5] }}", "models/m.sql:1:7: cannot index list with 5")]
    public async Task A_mistake_is_one_line_at_line_and_column(string text, string expected)
    {
        var error = await Assert.ThrowsAsync<TransformException>(() => RenderAsync(text));

        Assert.Equal(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task A_mistake_inside_a_macro_names_the_macro_file_and_the_model()
    {
        var template = SqlTemplates.Parse("select {{ broken() }}", "models/m.sql");
        var macros = SqlTemplates.Parse("{% macro broken() %}\n  {{ undefined_thing }}\n{% endmacro %}", "macros/broken.sql");

        var error = await Assert.ThrowsAsync<TransformException>(() => SqlTemplates.RenderAsync(template, [macros], Scope()));

        Assert.Equal("macros/broken.sql:2:6: 'undefined_thing' is undefined (rendering model m)", error.Message);
    }

    [Fact]
    public async Task A_template_parses_once_and_renders_many_times()
    {
        var template = SqlTemplates.Parse("{% set l = [] %}{% do l.append(ref('a')) %}{{ l | join }}", "models/m.sql");
        var macros = new[] { SqlTemplates.Parse(Macros, "macros/m.sql") };

        Assert.Equal("\"main\".\"a\"", await SqlTemplates.RenderAsync(template, macros, Scope()));
        Assert.Equal("\"main\".\"a\"", await SqlTemplates.RenderAsync(template, macros, Scope()));
    }

    private static RenderScope Scope() => new()
    {
        Subject = "model m",
        Path = "models/m.sql",
        Ref = name => $"\"main\".\"{name}\"",
        Source = (source, table) => $"\"{source}\".\"{table}\"",
        This = "\"gold\".\"m\"",
        Vars = new Dictionary<string, object?> { ["limit"] = "2", ["names"] = new List<object> { "a", "b" } },
        Warehouse = null,
        ProjectName = "unit",
    };

    private static Task<string> RenderAsync(string text, RenderScope? scope = null) =>
        SqlTemplates.RenderAsync(SqlTemplates.Parse(text, "models/m.sql"), [SqlTemplates.Parse(Macros, "macros/m.sql")], scope ?? Scope());
}
