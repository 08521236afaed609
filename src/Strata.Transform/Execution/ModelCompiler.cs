using System.Text;
using System.Text.RegularExpressions;
using Strata.Transform.Graph;
using Strata.Transform.Project;
using Strata.Transform.Templating;
using Strata.Warehouse;

namespace Strata.Transform.Execution;

/// <summary>
/// Renders models and tests into the SQL the warehouse runs: refs become relations (ephemeral models become CTEs
/// put in front), sources become tables (or, for changelog models, the window of changes to read).
/// </summary>
internal sealed partial class ModelCompiler(ProjectGraph graph, IWarehouse warehouse, string? compiledDirectory)
{
    private readonly IReadOnlyList<SqlTemplate> _macros = graph.Project.Macros.Select(m => m.Template).ToList();

    /// <summary>The relation a model is built as.</summary>
    public string Relation(Model model) => warehouse.Qualify(model.Config.Schema, model.Name);

    /// <summary>The table of a source.</summary>
    public string SourceRelation(SourceTable table) => warehouse.Qualify(table.Schema, table.Identifier);

    public SourceTable Source(string source, string table) =>
        graph.Project.Sources.First(s => s.Source == source && s.Name == table);

    /// <summary>Renders a model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="isIncremental">What <c>is_incremental()</c> answers.</param>
    /// <param name="changes">For changelog models: the relation holding the window of changes to read, in place of the source.</param>
    public async Task<string> CompileAsync(Model model, bool isIncremental, string? changes = null)
    {
        var ctes = new List<Model>();
        var scope = Scope($"model {model.Name}", model.Path, ctes, isIncremental, Relation(model), changes);
        var sql = WithCtes(await SqlTemplates.RenderAsync(model.Template, _macros, scope), await CteBodiesAsync(ctes, changes));
        await WriteCompiledAsync(model.Path, sql);
        return sql;
    }

    /// <summary>
    /// Renders a model for a unit test: each ref or source named in <paramref name="inputs"/> (<c>ref:name</c>,
    /// <c>source:s.t</c>) reads the given rows instead, also inside the ephemeral models it inlines.
    /// </summary>
    public async Task<string> CompileUnitAsync(Model model, IReadOnlyDictionary<string, string> inputs, bool isIncremental, IReadOnlyDictionary<string, object?> vars)
    {
        var ctes = new List<Model>();
        var unit = new UnitInputs(inputs, vars);
        var scope = Scope($"model {model.Name}", model.Path, ctes, isIncremental, Relation(model), null, unit: unit);
        return WithCtes(await SqlTemplates.RenderAsync(model.Template, _macros, scope), await CteBodiesAsync(ctes, null, unit));
    }

    /// <summary>The sources a model reads, itself or through the ephemeral models it inlines.</summary>
    public IReadOnlyList<SourceTable> SourcesRead(Model model) =>
        model.SourceRefs.Select(s => s.Split('.', 2)).Select(p => Source(p[0], p[1]))
            .Concat(model.Refs.Select(r => graph[r]).Where(m => m.Config.Materialized == Materializations.Ephemeral).SelectMany(SourcesRead))
            .Distinct()
            .ToList();

    /// <summary>Renders a query outside the models (a report): refs resolve to built models, <c>param()</c> to placeholders.</summary>
    public async Task<(string Sql, IReadOnlyList<string> Refs)> CompileQueryAsync(string subject, string path, SqlTemplate template, Func<string, string> param)
    {
        var ctes = new List<Model>();
        var scope = Scope(subject, path, ctes, false, "", null, param);
        var sql = await SqlTemplates.RenderAsync(template, _macros, scope);
        return (WithCtes(sql, await CteBodiesAsync(ctes, null)), scope.Refs.Distinct().ToList());
    }

    /// <summary>Renders a singular test.</summary>
    public async Task<string> CompileTestAsync(DataTest test)
    {
        var ctes = new List<Model>();
        var scope = Scope($"test {test.Name}", test.Path, ctes, false, "", null);
        var sql = WithCtes(await SqlTemplates.RenderAsync(test.Template!, _macros, scope), await CteBodiesAsync(ctes, null));
        await WriteCompiledAsync(test.Path, sql);
        return sql;
    }

    /// <summary>Renders one of the project's own generic tests (a <c>{% test %}</c> macro) on <paramref name="relation"/>.</summary>
    public async Task<string> CompileGenericTestAsync(DataTest test, string relation)
    {
        var ctes = new List<Model>();
        var scope = Scope($"test {test.Name}", test.Path, ctes, false, "", null);
        var call = SqlTemplates.Parse(GenericTestMacro.Call(test.Macro!, relation, test.Column, test.Arguments), test.Path);
        return WithCtes(await SqlTemplates.RenderAsync(call, _macros, scope), await CteBodiesAsync(ctes, null));
    }

    /// <summary>Writes the SQL of a generic test under <c>target/compiled</c>.</summary>
    public Task WriteCompiledAsync(string path, string sql)
    {
        if (compiledDirectory is null)
        {
            return Task.CompletedTask;
        }

        var file = Path.Combine(compiledDirectory, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        return File.WriteAllTextAsync(file, sql);
    }

    /// <summary>Where the compiled SQL of <paramref name="path"/> is, for messages.</summary>
    public string CompiledPath(string path) => compiledDirectory is null ? path : Path.Combine(compiledDirectory, path);

    private RenderScope Scope(
        string subject, string path, List<Model> ctes, bool isIncremental, string self, string? changes, Func<string, string>? param = null, UnitInputs? unit = null) => new()
    {
        Subject = subject,
        Path = path,
        Param = param,
        Ref = name =>
        {
            if (unit is not null && unit.Inputs.TryGetValue("ref:" + name, out var given))
            {
                return given;
            }

            if (!graph.Contains(name))
            {
                throw new TransformException($"{path}: {subject} refers to ref('{name}'), which is no model{Text.Suggestions.DidYouMean(name, graph.Order.Select(m => m.Name))}");
            }

            var target = graph[name];
            if (target.Config.Materialized != Materializations.Ephemeral)
            {
                return Relation(target);
            }

            if (!ctes.Contains(target))
            {
                ctes.Add(target);
            }

            return CteName(target);
        },
        Source = (source, table) => unit is not null && unit.Inputs.TryGetValue($"source:{source}.{table}", out var given)
            ? given
            : changes ?? SourceRelation(Source(source, table)),
        This = unit is not null && unit.Inputs.TryGetValue("this", out var prior) ? prior : self,
        IsIncremental = isIncremental,
        Vars = unit?.Vars ?? graph.Project.Vars,
        Warehouse = warehouse,
        ProjectName = graph.Project.Name,
        EnvironmentVariable = graph.Project.EnvironmentVariable,
    };

    /// <summary>The bodies of the ephemeral models used, their own ephemeral refs first; <paramref name="changes"/> stands in for the changelog in them too.</summary>
    private async Task<List<(string Name, string Sql)>> CteBodiesAsync(List<Model> used, string? changes, UnitInputs? unit = null)
    {
        var bodies = new List<(string Name, string Sql)>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        async Task AddAsync(Model model)
        {
            if (!done.Add(model.Name))
            {
                return;
            }

            var nested = new List<Model>();
            var sql = await SqlTemplates.RenderAsync(model.Template, _macros, Scope($"model {model.Name}", model.Path, nested, false, CteName(model), changes, unit: unit));
            foreach (var inner in nested)
            {
                await AddAsync(inner);
            }

            bodies.Add((CteName(model), TrimStatement(sql)));
        }

        foreach (var model in used.ToList())
        {
            await AddAsync(model);
        }

        return bodies;
    }

    private static string CteName(Model model) => $"__strata_cte__{model.Name}";

    /// <summary>What a unit test puts in place of refs and sources, and the vars it renders with.</summary>
    private sealed record UnitInputs(IReadOnlyDictionary<string, string> Inputs, IReadOnlyDictionary<string, object?> Vars);

    /// <summary>Puts CTEs in front of <paramref name="sql"/>, joining its own WITH when it has one.</summary>
    internal static string WithCtes(string sql, IReadOnlyList<(string Name, string Sql)> ctes)
    {
        sql = TrimStatement(sql);
        if (ctes.Count == 0)
        {
            return sql;
        }

        var definitions = new StringBuilder();
        foreach (var (name, body) in ctes)
        {
            definitions.Append(definitions.Length == 0 ? "WITH " : ",\n").Append(name).Append(" AS (\n").Append(body).Append("\n)");
        }

        var leading = LeadingWith().Match(sql);
        return leading.Success
            ? $"{definitions},\n{sql[(leading.Index + leading.Length)..]}"
            : $"{definitions}\n{sql}";
    }

    /// <summary>Drops a trailing semicolon and surrounding blank space: the SQL is embedded in larger statements.</summary>
    internal static string TrimStatement(string sql) => sql.Trim().TrimEnd(';').TrimEnd();

    [GeneratedRegex(@"^\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*with\b\s*(?:recursive\b)?", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex LeadingWith();
}
