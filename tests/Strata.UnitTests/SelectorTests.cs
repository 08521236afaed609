using Strata.Transform;
using Strata.Transform.Graph;
using Strata.Transform.Project;
using Strata.UnitTests.Support;

namespace Strata.UnitTests;

/// <summary>
/// Selection and the graph on a small project of their own (SelectionTests covers the finance project):
/// <code>
/// source bronze.orders ─→ a ─→ b ─→ c ─→ e      tags: a raw; c gold; d gold, finance; f finance
///                          └──→ d ─────↗         paths: a, b under models/base; c, d under models/marts; e under models/marts/deep
/// source bronze.customers → f ─→ g               f, g under models/other
/// </code>
/// </summary>
public sealed class SelectorTests : IDisposable
{
    private static readonly Dictionary<string, string> Files = new()
    {
        ["strata_project.yml"] = "name: selection\n",
        ["sources.yml"] = "sources:\n  - name: bronze\n    tables:\n      - name: orders\n      - name: customers\n      - name: payments\n",
        ["models/base/a.sql"] = "select * from {{ source('bronze', 'orders') }}",
        ["models/base/b.sql"] = "select * from {{ ref('a') }}",
        ["models/marts/c.sql"] = "select * from {{ ref('b') }}",
        ["models/marts/d.sql"] = "select * from {{ ref('a') }}",
        ["models/marts/deep/e.sql"] = "select * from {{ ref('c') }} join {{ ref('d') }} using (id)",
        ["models/other/f.sql"] = "select * from {{ source('bronze', 'customers') }}",
        ["models/other/g.sql"] = "select * from {{ ref('f') }}",
        ["models/models.yml"] = """
            models:
              - name: a
                tags: [raw]
              - name: c
                tags: [gold]
              - name: d
                tags: [gold, finance]
              - name: f
                tags: [finance]
            """,
    };

    private readonly ProjectFolder _folder = new(Files);

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("+c+", "", "a b c e")]
    [InlineData("+d", "", "a d")]
    [InlineData("d+", "", "d e")]
    [InlineData("+e", "", "a b c d e")]
    [InlineData("a+", "", "a b c d e")]
    [InlineData("g", "", "g")]
    [InlineData("", "tag:gold", "a b e f g")]
    [InlineData("", "a+", "f g")]
    [InlineData("", "", "a b c d e f g")]
    [InlineData("tag:finance", "", "d f")]
    [InlineData("tag:finance+", "", "d e f g")]
    [InlineData("+tag:finance", "", "a d f")]
    [InlineData("tag:gold tag:finance", "", "c d f")]
    [InlineData("tag:gold", "tag:finance", "c")]
    [InlineData("+e", "b", "a c d e")]
    [InlineData("+e", "+c", "d e")]
    [InlineData("c f", "", "c f")]
    [InlineData("path:models/marts", "", "c d e")]
    [InlineData("path:models/marts/", "", "c d e")]
    [InlineData("path:marts", "", "c d e")]
    [InlineData("path:models/marts/deep", "", "e")]
    [InlineData("path:models/base/b.sql", "", "b")]
    [InlineData("source:bronze", "", "a f")]
    [InlineData("source:bronze+", "", "a b c d e f g")]
    [InlineData("source:bronze.customers+", "", "f g")]
    [InlineData("source:bronze.orders", "", "a")]
    public async Task Selection_picks_what_the_criteria_say(string select, string exclude, string expected)
    {
        var chosen = Selector.Select(await GraphAsync(), Split(select), Split(exclude));

        Assert.Equal(expected, string.Join(' ', chosen.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Repeated_select_options_are_a_union()
    {
        var chosen = Selector.Select(await GraphAsync(), ["+d", "g", "d+"], []);

        Assert.Equal("a d e g", string.Join(' ', chosen.Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData("path:models/mart")]
    [InlineData("tag:nope")]
    [InlineData("source:bronze.nope")]
    [InlineData("source:silver")]
    public async Task A_criterion_matching_nothing_is_an_error_naming_it(string criterion)
    {
        var graph = await GraphAsync();

        var error = Assert.Throws<TransformException>(() => Selector.Select(graph, [criterion], []));

        Assert.Equal($"--select/--exclude {criterion} matches no model", error.Message);
    }

    [Theory]
    [InlineData("2+e")]
    [InlineData("e+1")]
    [InlineData("@e")]
    public async Task Graph_operators_strata_does_not_have_are_refused_not_guessed(string criterion)
    {
        var graph = await GraphAsync();

        var error = Assert.Throws<TransformException>(() => Selector.Select(graph, [criterion], []));

        Assert.StartsWith($"--select/--exclude {criterion}: no model ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_model_in_exclude_is_an_error_too()
    {
        var graph = await GraphAsync();

        var error = Assert.Throws<TransformException>(() => Selector.Select(graph, [], ["+gg"]));

        Assert.Equal("--select/--exclude +gg: no model gg (did you mean 'g'?)", error.Message);
    }

    [Fact]
    public async Task Model_names_are_case_sensitive_with_a_suggestion()
    {
        var graph = await GraphAsync();

        var error = Assert.Throws<TransformException>(() => Selector.Select(graph, ["E"], []));

        Assert.Equal("--select/--exclude E: no model E (did you mean 'e'?)", error.Message);
    }

    [Fact]
    public async Task Ancestors_and_descendants_exclude_the_model_itself()
    {
        var graph = await GraphAsync();

        Assert.Equal("a b c d", string.Join(' ', graph.Ancestors("e").Order(StringComparer.Ordinal)));
        Assert.Equal("b c d e", string.Join(' ', graph.Descendants("a").Order(StringComparer.Ordinal)));
        Assert.Equal("a b c d e", string.Join(' ', graph.Descendants("source:bronze.orders").Order(StringComparer.Ordinal)));
        Assert.Empty(graph.Descendants("e"));
        Assert.Empty(graph.Ancestors("a"));
        Assert.Equal(["b", "d"], graph.ChildrenOf("a").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_build_order_puts_parents_first_and_breaks_ties_by_name()
    {
        using var folder = new ProjectFolder(new Dictionary<string, string>
        {
            ["strata_project.yml"] = "name: order\n",
            ["models/a_top.sql"] = "select * from {{ ref('z_base') }} join {{ ref('m_middle') }} using (id)",
            ["models/m_middle.sql"] = "select * from {{ ref('z_base') }}",
            ["models/z_base.sql"] = "select 1 as id",
            ["models/b_alone.sql"] = "select 2 as id",
        });

        var graph = new ProjectGraph(await ProjectLoader.LoadAsync(folder.Path));

        Assert.Equal(["z_base", "m_middle", "a_top", "b_alone"], graph.Order.Select(m => m.Name));
    }

    [Fact]
    public async Task A_cycle_is_named_in_full()
    {
        using var folder = new ProjectFolder(new Dictionary<string, string>
        {
            ["strata_project.yml"] = "name: cycle\n",
            ["models/p.sql"] = "select * from {{ ref('r') }}",
            ["models/q.sql"] = "select * from {{ ref('p') }}",
            ["models/r.sql"] = "select * from {{ ref('q') }}",
        });
        var project = await ProjectLoader.LoadAsync(folder.Path);

        var error = Assert.Throws<TransformException>(() => new ProjectGraph(project));

        Assert.Contains("models form a cycle: p → r → q → p", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_ref_names_file_line_and_a_suggestion()
    {
        using var folder = new ProjectFolder(new Dictionary<string, string>
        {
            ["strata_project.yml"] = "name: typo\n",
            ["models/customers.sql"] = "select 1 as id",
            ["models/report.sql"] = "select *\nfrom x\njoin {{ ref('customer') }} using (id)",
        });
        var project = await ProjectLoader.LoadAsync(folder.Path);

        var error = Assert.Throws<TransformException>(() => new ProjectGraph(project));

        Assert.Equal("models/report.sql:3: model report refers to ref('customer'), which is no model (did you mean 'customers'?)", error.Message);
    }

    [Fact]
    public async Task An_undeclared_source_names_file_line_and_a_suggestion()
    {
        using var folder = new ProjectFolder(new Dictionary<string, string>
        {
            ["strata_project.yml"] = "name: typo\n",
            ["sources.yml"] = "sources:\n  - name: bronze\n    tables:\n      - name: orders\n",
            ["models/o.sql"] = "select *\nfrom {{ source('bronze', 'order') }}",
        });
        var project = await ProjectLoader.LoadAsync(folder.Path);

        var error = Assert.Throws<TransformException>(() => new ProjectGraph(project));

        Assert.Equal("models/o.sql:2: model o reads source bronze.order, which no sources.yml declares (did you mean 'bronze.orders'?)", error.Message);
    }

    private async Task<ProjectGraph> GraphAsync() => new(await ProjectLoader.LoadAsync(_folder.Path));

    private static string[] Split(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
