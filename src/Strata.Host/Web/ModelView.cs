using Strata.Transform;
using Strata.Transform.History;
using Strata.Warehouse;

namespace Strata.Host.Web;

/// <summary>One model as its page shows it (<c>/api/models/{name}</c>): its SQL, columns, tests, last runs and neighbours.</summary>
/// <param name="Name">The model.</param>
/// <param name="Path">Its file, relative to the project.</param>
/// <param name="Materialized">How it is built.</param>
/// <param name="Schema">The warehouse schema it is built in.</param>
/// <param name="Description">From its yml.</param>
/// <param name="Sql">Its SQL template.</param>
/// <param name="Columns">The relation's columns as the warehouse has them (with the yml's descriptions); the documented ones before it is built.</param>
/// <param name="Upstream">Models and sources (<c>source:x.y</c>) it reads.</param>
/// <param name="Downstream">Models that read it.</param>
/// <param name="Tests">The tests on it, each with its latest result (null before it ran).</param>
/// <param name="Runs">Its newest runs.</param>
public sealed record ModelView(
    string Name,
    string Path,
    string Materialized,
    string Schema,
    string? Description,
    string Sql,
    IReadOnlyList<ModelColumnView> Columns,
    IReadOnlyList<string> Upstream,
    IReadOnlyList<string> Downstream,
    IReadOnlyList<ModelTestView> Tests,
    IReadOnlyList<ModelRunView> Runs)
{
    /// <remarks>
    /// The columns come through the transformation's handle, which builds (and so sees) every model: the dashboard's
    /// own login reads gold and Strata's records only, and would see no silver relation's columns.
    /// </remarks>
    internal static async Task<ModelView> ReadAsync(TransformService transform, string name, IWarehouse warehouse, CancellationToken cancellationToken)
    {
        var graph = transform.Graph;
        var model = graph[name];
        var documented = model.Columns.ToDictionary(c => c.Name, c => c.Description, StringComparer.OrdinalIgnoreCase);
        var actual = await transform.RelationColumnsAsync(name, cancellationToken);
        var columns = actual?.Select(c => new ModelColumnView(c.Name, c.Type.ToString(), documented.GetValueOrDefault(c.Name))).ToList()
            ?? model.Columns.Select(c => new ModelColumnView(c.Name, null, c.Description)).ToList();
        var results = (await new TestHistory(warehouse).TestStreaksAsync(DashboardPages.StreakLimit, cancellationToken)).ToDictionary(t => t.Test, StringComparer.Ordinal);
        var tests = graph.Project.Tests.Where(t => t.Model == name || t.Refs.Contains(name))
            .Select(t => new ModelTestView(t.Name, t.Kind, t.Column, t.Severity, results.GetValueOrDefault(t.Name)))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        var runs = (await new RunHistory(warehouse).ModelRunsAsync(name, 20, cancellationToken))
            .Select(r => new ModelRunView(r.RunId, r.Status, r.RowsChanged, r.StartedAt, r.DurationMs, r.Error))
            .ToList();
        return new ModelView(model.Name, model.Path, model.Config.Materialized, model.Config.Schema, model.Description, model.Sql, columns,
            [.. model.Refs, .. model.SourceRefs.Select(s => "source:" + s)], graph.ChildrenOf(name), tests, runs);
    }
}

/// <summary>A column of a model.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Type">Its warehouse type, or null before the model is built.</param>
/// <param name="Description">From the yml, if documented.</param>
public sealed record ModelColumnView(string Name, string? Type, string? Description);

/// <summary>A test on a model, with its latest result.</summary>
/// <param name="Name">The test.</param>
/// <param name="Kind">Generic test name, or <c>singular</c>.</param>
/// <param name="Column">The column it tests, if any.</param>
/// <param name="Severity"><c>error</c> or <c>warn</c>.</param>
/// <param name="Latest">Its latest result and streak, or null before it ran.</param>
public sealed record ModelTestView(string Name, string Kind, string? Column, string Severity, TestStreak? Latest);

/// <summary>One run of a model, as its page lists them.</summary>
/// <param name="RunId">The transformation run.</param>
/// <param name="Status"><c>success</c>, <c>error</c> or <c>skipped</c>.</param>
/// <param name="RowsChanged">Rows written, when known.</param>
/// <param name="StartedAt">Start (UTC).</param>
/// <param name="DurationMs">How long it took, in milliseconds.</param>
/// <param name="Error">One line, for errors and skips.</param>
public sealed record ModelRunView(string RunId, string Status, long? RowsChanged, DateTime StartedAt, long? DurationMs, string? Error);
