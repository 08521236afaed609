using Strata.Transform.Execution;
using Strata.Transform.Graph;
using Strata.Transform.History;
using Strata.Transform.Lineage;
using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Docs;

/// <summary>
/// Gathers the <see cref="DocsCatalog"/>: every model compiled as <c>strata compile</c> does (a full build's SQL, nothing
/// written), its lineage walked in build order so that a model's own output columns are known to what reads it, and
/// column types, last runs and test results read from the warehouse when it has them. Nothing is built or changed.
/// </summary>
internal sealed class DocsBuilder(ProjectGraph graph, IWarehouse warehouse, ISqlParser parser)
{
    private const string EphemeralCte = "__strata_cte__";

    /// <summary>Each node's complete column list, as lineage resolves <c>select *</c> with it; absent when not known.</summary>
    private readonly Dictionary<string, IReadOnlyList<string>?> _columns = new(StringComparer.Ordinal);

    public async Task<DocsCatalog> BuildAsync(CancellationToken cancellationToken)
    {
        var compiler = new ModelCompiler(graph, warehouse, null);
        var runs = (await new RunHistory(warehouse).LatestRunPerModelAsync(cancellationToken)).ToDictionary(r => r.Model, r => r.Status, StringComparer.Ordinal);
        var results = (await new TestHistory(warehouse).LatestResultPerTestAsync(cancellationToken)).ToDictionary(r => r.Test, StringComparer.Ordinal);

        var sources = new List<DocsSource>();
        foreach (var source in graph.Project.Sources)
        {
            var actual = await warehouse.GetColumnsAsync(source.Schema, source.Identifier, cancellationToken);
            _columns[source.Id] = actual?.Select(c => c.Name).ToList();
            sources.Add(new DocsSource(
                source.Id, source.Source, source.Name, $"{source.Schema}.{source.Identifier}", source.Description, source.IsChangelog, source.LoadedAtField,
                source.WarnAfter?.TotalSeconds, source.ErrorAfter?.TotalSeconds, source.Path,
                Columns(actual, null, source.Columns), graph.ChildrenOf("source:" + source.FullName).Select(c => NodeId(graph[c])).ToList()));
        }

        var nodes = new List<DocsNode>();
        foreach (var model in graph.Order)
        {
            nodes.Add(await NodeAsync(model, compiler, runs.GetValueOrDefault(model.Name), cancellationToken));
        }

        var tests = graph.Project.Tests.Select(t =>
        {
            results.TryGetValue(t.Name, out var last);
            IReadOnlyList<string> on = t.Source is { } source ? [source.Id]
                : t.Model is { } model && graph.Contains(model) ? [NodeId(graph[model])]
                : t.Refs.Where(graph.Contains).Select(r => NodeId(graph[r])).ToList();
            return new DocsTest(t.Id, t.Name, t.Kind, on, t.Column, t.Severity, t.Path, last?.Status, last?.StartedAt);
        }).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();

        var edges = nodes.SelectMany(n => n.Columns.SelectMany(c => c.Upstream.Select(u => new DocsEdge(u.Node, u.Column, n.Id, c.Name)))).ToList();
        return new DocsCatalog(graph.Project.Name, DateTime.UtcNow, nodes, sources, tests,
            graph.Project.DocBlocks.Select(b => new DocsBlock(b.Name, b.Path, b.Text)).ToList(), edges);
    }

    /// <summary>The node id of a model, seed or snapshot.</summary>
    public static string NodeId(Model model) =>
        model.Seed is not null ? $"seed.{model.Name}" : model.IsSnapshot ? $"snapshot.{model.Name}" : $"model.{model.Name}";

    private async Task<DocsNode> NodeAsync(Model model, ModelCompiler compiler, string? lastRun, CancellationToken cancellationToken)
    {
        var id = NodeId(model);
        var actual = model.Config.Materialized == Materializations.Ephemeral ? null : await warehouse.GetColumnsAsync(model.Config.Schema, model.Name, cancellationToken);
        string? compiled = null;
        LineageResult? lineage = null;
        if (model.Seed is null)
        {
            try
            {
                compiled = await compiler.CompileAsync(model, isIncremental: false);
                lineage = ColumnLineage.Of(parser, compiled, Resolve);
            }
            catch (TransformException ex)
            {
                // One model that does not compile (a run_query on a table not built yet, say) leaves the others documented.
                lineage = LineageResult.Failed("it did not compile: " + ex.Message);
            }
        }

        var selected = lineage is { Unknown: null } ? Named(lineage.Columns, actual) : model.Seed is { } seed && actual is null ? SeedColumns(seed, model.Path) : null;
        // What reads this model expands its select * with the columns its SQL selects now, else the built relation's.
        _columns[id] = selected?.All(c => c.Name is not null) == true ? selected.Select(c => c.Name!).ToList() : actual?.Select(c => c.Name).ToList();
        return new DocsNode(
            id,
            id[..id.IndexOf('.', StringComparison.Ordinal)],
            model.Name,
            model.Path,
            model.Config.Materialized,
            model.Config.Schema,
            $"{model.Config.Schema}.{model.Name}",
            model.Description,
            model.Config.Tags,
            [.. model.Refs.Select(r => NodeId(graph[r])), .. model.SourceRefs.Select(s => "source." + s)],
            graph.ChildrenOf(model.Name).Select(c => NodeId(graph[c])).ToList(),
            Columns(actual, selected, model.Columns),
            model.Seed is null ? model.Sql : null,
            compiled,
            lineage is null ? "none" : lineage.Unknown is null ? "computed" : "unknown",
            lineage?.Unknown,
            lastRun);
    }

    /// <summary>A seed not loaded yet: its file's header, so that what reads it can still expand <c>select *</c>.</summary>
    private static List<LineageColumn>? SeedColumns(Seeds.SeedOptions seed, string path)
    {
        try
        {
            return Seeds.SeedCsv.Read(seed.File, path, seed.Delimiter).Columns.Select(c => new LineageColumn(c, [], null)).ToList();
        }
        catch (Exception ex) when (ex is TransformException or IOException)
        {
            return null; // its build will say what is wrong with the file
        }
    }

        /// <summary>Output columns without a name (an expression without an alias) take the built relation's name at their position, when the two line up.</summary>
    private static List<LineageColumn> Named(IReadOnlyList<LineageColumn> columns, IReadOnlyList<WarehouseColumn>? actual) =>
        columns.Select((c, i) => c.Name is null && actual?.Count == columns.Count ? c with { Name = actual[i].Name } : c).ToList();

    /// <summary>
    /// A relation's columns: the built relation's (with their types), then any its SQL selects that it lacks, then any
    /// documented that neither has; each with its yml description and its lineage.
    /// </summary>
    private static List<DocsColumn> Columns(IReadOnlyList<WarehouseColumn>? actual, IReadOnlyList<LineageColumn>? selected, IReadOnlyList<ModelColumn> documented)
    {
        var names = new List<string>();
        void Add(string name)
        {
            if (!names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(name);
            }
        }

        foreach (var name in (actual?.Select(c => c.Name) ?? []).Concat(selected?.Select((c, i) => c.Name ?? $"column {i + 1}") ?? []).Concat(documented.Select(c => c.Name)))
        {
            Add(name);
        }

        return names.Select(name =>
        {
            var doc = documented.FirstOrDefault(c => Same(c.Name, name));
            var type = actual?.FirstOrDefault(c => Same(c.Name, name))?.Type.ToString() ?? doc?.DataType;
            var lineage = selected?.FirstOrDefault(c => Same(c.Name, name));
            var unknown = selected is null ? null
                : lineage is null ? "not in the model's select: added by its materialization, or the SQL changed since it was built"
                : lineage.Unknown;
            return new DocsColumn(name, doc?.Description, type, lineage?.Upstream ?? [], unknown);
        }).ToList();
    }

    /// <summary>A relation of the compiled SQL as the project's node: a model, seed or snapshot by schema and name, a source by schema and identifier, an inlined ephemeral model by its CTE.</summary>
    private LineageRelation? Resolve(string schema, string table)
    {
        string? id = null;
        if (schema.Length == 0 && table.StartsWith(EphemeralCte, StringComparison.Ordinal) && graph.Contains(table[EphemeralCte.Length..]))
        {
            id = NodeId(graph[table[EphemeralCte.Length..]]);
        }
        else if (schema.Length > 0)
        {
            id = graph.Order.Where(m => m.Config.Materialized != Materializations.Ephemeral && Same(m.Config.Schema, schema) && Same(m.Name, table)).Select(NodeId).FirstOrDefault()
                ?? graph.Project.Sources.FirstOrDefault(s => Same(s.Schema, schema) && Same(s.Identifier, table))?.Id;
        }

        return id is null ? null : new LineageRelation(id, _columns.GetValueOrDefault(id));
    }

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
