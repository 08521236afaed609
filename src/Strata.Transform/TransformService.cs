using System.Diagnostics;
using Strata.Output;
using Strata.Transform.Execution;
using Strata.Transform.Graph;
using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform;

/// <summary>
/// The model engine's entry point: compile, run, test and build a loaded project against a warehouse, and check
/// source freshness. Run results go to <c>target/</c> and to <c>_strata.model_runs</c> / <c>_strata.test_results</c>.
/// </summary>
public sealed class TransformService
{
    private readonly IWarehouse _warehouse;
    private readonly IStrataConsole _console;
    private readonly string _target;
    private readonly TransformMetadata _metadata;
    private readonly TimeProvider _clock;
    private readonly HashSet<string> _schemas = new(StringComparer.Ordinal);
    private bool _prepared;

    /// <summary>Creates the service; <paramref name="targetDirectory"/> receives compiled SQL and the artifacts.</summary>
    /// <param name="project">The loaded project.</param>
    /// <param name="warehouse">Where it is built.</param>
    /// <param name="targetDirectory">Receives compiled SQL and the artifacts.</param>
    /// <param name="console">Where progress goes.</param>
    /// <param name="clock">What a run's start is read from (the time dbt snapshots record); the system clock when null.</param>
    public TransformService(AnalyticsProject project, IWarehouse warehouse, string targetDirectory, IStrataConsole console, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        Graph = new ProjectGraph(project);
        _warehouse = warehouse;
        _console = console;
        _target = targetDirectory;
        _metadata = new TransformMetadata(warehouse);
    }

    /// <summary>The checked model graph.</summary>
    public ProjectGraph Graph { get; }

    /// <summary>Loads the project in <paramref name="projectDirectory"/> and checks its graph.</summary>
    /// <param name="projectDirectory">The analytics project's folder.</param>
    /// <param name="warehouse">Where it is built.</param>
    /// <param name="targetDirectory">Receives compiled SQL and the artifacts.</param>
    /// <param name="console">Where progress goes.</param>
    /// <param name="clock">What a run's start is read from; the system clock when null.</param>
    /// <param name="environment">What <c>env_var()</c> reads; the process's environment when null.</param>
    public static async Task<TransformService> OpenAsync(
        string projectDirectory, IWarehouse warehouse, string targetDirectory, IStrataConsole console, TimeProvider? clock = null, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var project = await ProjectLoader.LoadAsync(projectDirectory, environment);
        return new TransformService(project, warehouse, targetDirectory, console, clock);
    }

    /// <summary>
    /// Loads the analytics project a Strata project's configuration names (<c>transform.project</c>; when the default
    /// folder is missing, the finance project shipped next to the binary), with <c>target/</c> in the Strata project.
    /// </summary>
    /// <param name="config">The Strata project's configuration.</param>
    /// <param name="warehouse">Where the models are built.</param>
    /// <param name="console">Where progress goes.</param>
    /// <param name="clock">What a run's start is read from; the system clock when null.</param>
    public static Task<TransformService> OpenAsync(Configuration.StrataConfig config, IWarehouse warehouse, IStrataConsole console, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return OpenAsync(ProjectDirectory(config), warehouse, Path.Combine(config.ProjectDirectory, "target"), console, clock, config.EnvironmentVariable);
    }

    /// <summary>The analytics project's folder: the configured one, or the finance project shipped with Strata when the default folder is missing.</summary>
    public static string ProjectDirectory(Configuration.StrataConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var configured = config.FullPath(Configuration.Settings.TransformProject)!;
        var isDefault = config.Get(Configuration.Settings.TransformProject).Origin == "default";
        // Run from a dbt project's own folder: the folder is the analytics project, no strata.yml needed.
        if (isDefault && File.Exists(Path.Combine(config.ProjectDirectory, Project.DbtProjectFile.FileName)))
        {
            return config.ProjectDirectory;
        }

        if (Directory.Exists(configured) || !isDefault)
        {
            return configured;
        }

        return Path.Combine(AppContext.BaseDirectory, "analytics");
    }

    /// <summary>The selected models, in build order.</summary>
    public IReadOnlyList<Model> List(RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var selected = Selector.Select(Graph, options.Select, options.Exclude);
        return Graph.Order.Where(m => selected.Contains(m.Name)).ToList();
    }

    /// <summary>Renders the selected models into <c>target/compiled/</c>.</summary>
    public async Task<IReadOnlyList<(Model Model, string Sql)>> CompileAsync(RunOptions options)
    {
        var compiler = new ModelCompiler(Graph, _warehouse, Path.Combine(_target, "compiled"));
        var compiled = new List<(Model, string)>();
        foreach (var model in List(options))
        {
            compiled.Add((model, await compiler.CompileAsync(model, isIncremental: false)));
        }

        await Artifacts.WriteManifestAsync(_target, Graph);
        return compiled;
    }

    /// <summary>
    /// The columns of <paramref name="model"/>'s relation as the warehouse has them, read through this service's
    /// handle (the login that builds it, so it sees every model's); null before the model is built.
    /// </summary>
    public Task<IReadOnlyList<WarehouseColumn>?> RelationColumnsAsync(string model, CancellationToken cancellationToken = default)
    {
        var (schema, name) = Graph[model].Relation;
        return _warehouse.GetColumnsAsync(schema, name, cancellationToken);
    }

    /// <summary>Where <c>strata docs</c> writes by default: <c>target/docs</c>, beside <c>target/compiled</c>.</summary>
    public string DocsDirectory => Path.Combine(_target, "docs");

    /// <summary>
    /// The documentation site of the whole project (<c>strata docs</c>, the dashboard's <c>/docs</c>): every model
    /// compiled as for a full build, its column lineage walked with <paramref name="parser"/>; nothing is built.
    /// </summary>
    public Task<Docs.DocsSite> DocsAsync(ISqlParser parser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parser);
        return Docs.DocsSite.BuildAsync(Graph, _warehouse, parser, cancellationToken);
    }

    /// <summary>Renders the project's analyses into <c>target/compiled/</c> (dbt's analyses: compiled, never run).</summary>
    public async Task<IReadOnlyList<(string Name, string Path, string Sql)>> CompileAnalysesAsync()
    {
        var compiler = new ModelCompiler(Graph, _warehouse, Path.Combine(_target, "compiled"));
        var compiled = new List<(string, string, string)>();
        foreach (var (name, path, template) in Graph.Project.Analyses)
        {
            var (sql, _) = await compiler.CompileQueryAsync($"analysis {name}", path, template,
                parameter => throw new TransformException($"{path}: analysis {name} calls param('{parameter}'); parameters exist only in reports"));
            await compiler.WriteCompiledAsync(path, sql);
            compiled.Add((name, path, sql));
        }

        return compiled;
    }

    /// <summary>
    /// Renders a SQL template that reads the models (a report): <c>ref()</c> resolves to the built relations,
    /// <c>param('name')</c> to what <paramref name="param"/> returns (a bound parameter's placeholder).
    /// </summary>
    /// <returns>The SQL and the models it refers to.</returns>
    public Task<(string Sql, IReadOnlyList<string> Refs)> RenderQueryAsync(string subject, string path, string text, Func<string, string> param)
    {
        var template = Templating.SqlTemplates.Parse(text, path);
        return new ModelCompiler(Graph, _warehouse, null).CompileQueryAsync(subject, path, template, param);
    }

    /// <summary>
    /// What rows read from <paramref name="models"/> are as of: the oldest as-of of those relations (a view's is its
    /// parents'), each moved only by a successful build, so a skipped or failed model keeps its old one.
    /// </summary>
    public async Task<(long? Lsn, DateTime? CommitTime)> AsOfAsync(IEnumerable<string> models, CancellationToken cancellationToken = default)
    {
        var recorded = await _metadata.ReadAsOfAsync(cancellationToken);
        var asOf = DataAsOf.Oldest(models.Where(Graph.Contains).Distinct().Select(m => DataAsOf.Of(Graph, recorded, m)));
        return (asOf?.Lsn, asOf?.CommitTime);
    }

    /// <summary>Every model's as-of now (views resolved through their parents); models without one are absent.</summary>
    public async Task<IReadOnlyDictionary<string, DataAsOf>> AsOfByModelAsync(CancellationToken cancellationToken = default)
    {
        var recorded = await _metadata.ReadAsOfAsync(cancellationToken);
        return Graph.Order.Select(m => (m.Name, AsOf: DataAsOf.Of(Graph, recorded, m.Name)))
            .Where(p => p.AsOf is not null).ToDictionary(p => p.Name, p => p.AsOf!, StringComparer.Ordinal);
    }

    /// <summary>Builds the selected models.</summary>
    public Task<RunSummary> RunAsync(RunOptions options, CancellationToken cancellationToken = default) =>
        ExecuteAsync("run", options, runModels: true, runTests: false, cancellationToken);

    /// <summary>Runs the tests of the selected models.</summary>
    public Task<RunSummary> TestAsync(RunOptions options, CancellationToken cancellationToken = default) =>
        ExecuteAsync("test", options, runModels: false, runTests: true, cancellationToken);

    /// <summary>Loads the selected seeds (every seed when nothing is selected); models are never built by it.</summary>
    public Task<RunSummary> SeedAsync(RunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ExecuteAsync("seed", options with
        {
            Select = options.Select.Count == 0 ? ["resource_type:seed"] : options.Select,
            // Models and snapshots are left out whatever the selection says (only those the project has: excluding none is an error).
            Exclude = [.. options.Exclude,
                .. Graph.Order.Any(m => m.Seed is null && !m.IsSnapshot) ? ["resource_type:model"] : Array.Empty<string>(),
                .. Graph.Order.Any(m => m.IsSnapshot) ? ["resource_type:snapshot"] : Array.Empty<string>()],
        }, runModels: true, runTests: false, cancellationToken);
    }

    /// <summary>Builds and tests the selected models in dependency order; a failure skips what depends on it.</summary>
    public Task<RunSummary> BuildAsync(RunOptions options, CancellationToken cancellationToken = default) =>
        ExecuteAsync("build", options, runModels: true, runTests: true, cancellationToken);

    /// <summary>How fresh each source table with a loaded-at column is.</summary>
    public async Task<IReadOnlyList<FreshnessResult>> FreshnessAsync(CancellationToken cancellationToken = default)
    {
        var results = new List<FreshnessResult>();
        foreach (var source in Graph.Project.Sources.Where(s => s.LoadedAtField is not null))
        {
            var limited = source.ErrorAfter is not null || source.WarnAfter is not null;
            if (await _warehouse.GetColumnsAsync(source.Schema, source.Identifier, cancellationToken) is not { } columns)
            {
                results.Add(new FreshnessResult(source.FullName, null, null, limited ? "error" : "none"));
                continue;
            }

            if (!columns.Any(c => c.Name == source.LoadedAtField))
            {
                // Without limits there is nothing to check (dbt's freshness: null); with them, a column that is not there is a mistake in the yml.
                if (limited)
                {
                    throw new TransformException($"{source.Path}: source {source.FullName} has loaded_at_field {source.LoadedAtField}, which is no column of " +
                        $"{source.Schema}.{source.Identifier}; name a timestamp column it has, or set freshness: null on the table");
                }

                results.Add(new FreshnessResult(source.FullName, null, null, "none"));
                continue;
            }

            var rows = await _warehouse.QueryAsync(
                $"SELECT max({_warehouse.Quote(source.LoadedAtField!)}) FROM {_warehouse.Qualify(source.Schema, source.Identifier)}", null, cancellationToken);
            var newest = rows[0][0] as DateTime?;
            var age = newest is { } n ? DateTime.UtcNow - DateTime.SpecifyKind(n, DateTimeKind.Utc) : (TimeSpan?)null;
            var status = !limited ? "none"
                : age is null || age > source.ErrorAfter ? "error"
                : age > source.WarnAfter ? "warn"
                : "pass";
            results.Add(new FreshnessResult(source.FullName, newest, age, status));
        }

        return results;
    }

    private async Task<RunSummary> ExecuteAsync(string command, RunOptions options, bool runModels, bool runTests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var started = _clock.GetUtcNow();
        var selected = Selector.Select(Graph, options.Select, options.Exclude);
        // Once per loaded project: a long-lived host runs it after every ingestion commit.
        if (!_prepared)
        {
            await _metadata.EnsureAsync(cancellationToken);
            await Artifacts.WriteManifestAsync(_target, Graph);
            _prepared = true;
        }

        // Up front and one by one (concurrent CREATE SCHEMA IF NOT EXISTS can collide on PostgreSQL); the materializations rely on it.
        foreach (var schema in Graph.Order.Where(m => selected.Contains(m.Name)).Select(m => m.Config.Schema).Where(s => !_schemas.Contains(s)).Distinct().ToList())
        {
            await _warehouse.EnsureSchemaAsync(schema, cancellationToken);
            _schemas.Add(schema);
        }

        var runId = $"{DateTime.UtcNow:yyyyMMddTHHmmss.fffZ}-{Guid.NewGuid().ToString("N")[..6]}";
        var compiler = new ModelCompiler(Graph, _warehouse, Path.Combine(_target, "compiled"));
        var bound = await _metadata.ChangelogBoundAsync(cancellationToken);
        var runner = new DagRunner(Graph, _warehouse, compiler, _metadata, _console, runId, bound, started);
        var (models, tests) = await runner.RunAsync(selected, runModels, runTests, options.FullRefresh, options.Threads, cancellationToken);
        var summary = new RunSummary(runId, models, tests, clock.Elapsed);
        await Artifacts.WriteRunResultsAsync(_target, command, summary);
        return summary;
    }
}
