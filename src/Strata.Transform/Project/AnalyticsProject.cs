using Strata.Transform.Templating;

namespace Strata.Transform.Project;

/// <summary>A loaded analytics project: models, sources, tests and macros, with every template parsed once.</summary>
public sealed class AnalyticsProject
{
    internal AnalyticsProject(
        string name, string directory, IReadOnlyDictionary<string, object?> vars, IReadOnlyList<Model> models,
        IReadOnlyList<SourceTable> sources, IReadOnlyList<DataTest> tests, IReadOnlyList<(string Path, SqlTemplate Template)> macros)
    {
        Name = name;
        Directory = directory;
        Vars = vars;
        Models = models;
        Sources = sources;
        Tests = tests;
        Macros = macros;
    }

    /// <summary>The project's name.</summary>
    public string Name { get; }

    /// <summary>Its folder.</summary>
    public string Directory { get; }

    /// <summary>Values for <c>var('name')</c>.</summary>
    public IReadOnlyDictionary<string, object?> Vars { get; }

    /// <summary>What <c>env_var('NAME')</c> reads: the run's environment (the process's unless the caller gives its own).</summary>
    public Func<string, string?> EnvironmentVariable { get; internal set; } = Environment.GetEnvironmentVariable;

    /// <summary>Every enabled model.</summary>
    public IReadOnlyList<Model> Models { get; }

    /// <summary>Every source table.</summary>
    public IReadOnlyList<SourceTable> Sources { get; }

    /// <summary>Generic and singular data tests.</summary>
    public IReadOnlyList<DataTest> Tests { get; }

    internal IReadOnlyList<(string Path, SqlTemplate Template)> Macros { get; }

    /// <summary>dbt's analyses: SQL files under the analysis paths, compiled by <c>strata compile</c> and never run.</summary>
    internal IReadOnlyList<(string Name, string Path, SqlTemplate Template)> Analyses { get; init; } = [];

    /// <summary>The <c>{% docs %}</c> blocks of the project's <c>.md</c> files, by name: what <c>strata docs</c> lists.</summary>
    internal IReadOnlyList<(string Name, string Path, string Text)> DocBlocks { get; init; } = [];
}

/// <summary>How a model is built.</summary>
public static class Materializations
{
    /// <summary>A view.</summary>
    public const string View = "view";

    /// <summary>A table rebuilt each run.</summary>
    public const string Table = "table";

    /// <summary>Not built: inlined as a CTE where referenced.</summary>
    public const string Ephemeral = "ephemeral";

    /// <summary>A table that takes new rows each run (merge, append or delete+insert).</summary>
    public const string Incremental = "incremental";

    /// <summary>One row per key, the latest version from a changelog.</summary>
    public const string CurrentState = "current_state";

    /// <summary>Every version of every key from a changelog (SCD type 2).</summary>
    public const string History = "history";

    /// <summary>A seed: a CSV file of the project loaded as a table (not a materialization a model can choose).</summary>
    public const string Seed = "seed";

    /// <summary>
    /// A dbt snapshot of a table that is not a changelog, sampled each run by dbt's timestamp or check strategy (not a
    /// materialization a model can choose: a snapshot block gets it).
    /// </summary>
    public const string Snapshot = "snapshot";

    /// <summary>All of them.</summary>
    public static IReadOnlyList<string> All { get; } = [View, Table, Ephemeral, Incremental, CurrentState, History];

    /// <summary>True for the kinds that read a changelog past a watermark.</summary>
    public static bool ReadsChangelog(string materialized) => materialized is CurrentState or History;
}

/// <summary>A model's resolved settings.</summary>
public sealed record ModelConfig(
    string Materialized, string Schema, IReadOnlyList<string> UniqueKey, string IncrementalStrategy, IReadOnlyList<string> Tags, bool Enabled);

/// <summary>A column as a yml file documents it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Description">What it holds, if documented.</param>
/// <param name="DataType">dbt's <c>data_type</c>, as the yml writes it (documentation only: nothing enforces it).</param>
public sealed record ModelColumn(string Name, string? Description, string? DataType = null);

/// <summary>A SQL model.</summary>
public sealed class Model
{
    internal Model(string name, string path, string sql, SqlTemplate template)
    {
        Name = name;
        Path = path;
        Sql = sql;
        Template = template;
    }

    /// <summary>Unique name (the file name without <c>.sql</c>).</summary>
    public string Name { get; }

    /// <summary>Path relative to the project folder.</summary>
    public string Path { get; }

    /// <summary>The template text.</summary>
    public string Sql { get; }

    internal SqlTemplate Template { get; }

    /// <summary>Resolved settings (folder defaults, then yml, then the file's <c>config()</c>).</summary>
    public ModelConfig Config { get; internal set; } = null!;

    /// <summary>True for a dbt snapshot (a <c>{% snapshot %}</c> block, run as a history model).</summary>
    internal bool IsSnapshot { get; init; }

    /// <summary>The CSV file and reading options when this is a seed; null for a model.</summary>
    internal Seeds.SeedOptions? Seed { get; init; }

    /// <summary>How a dbt snapshot of a table that is not a changelog samples it; null otherwise.</summary>
    internal SnapshotOptions? Snapshot { get; set; }

    /// <summary>From yml.</summary>
    public string? Description { get; internal set; }

    /// <summary>Documented columns.</summary>
    public IReadOnlyList<ModelColumn> Columns { get; internal set; } = [];

    /// <summary>Models it refers to.</summary>
    public IReadOnlyList<string> Refs { get; internal set; } = [];

    /// <summary>Sources it reads (<c>source.table</c>).</summary>
    public IReadOnlyList<string> SourceRefs { get; internal set; } = [];

    /// <summary>Unique id in the graph.</summary>
    public string Id => $"model.{Name}";

    /// <summary>The relation's name in the warehouse (schema, table).</summary>
    public (string Schema, string Name) Relation => (Config.Schema, Name);
}

/// <summary>A table of a source (for Strata: a bronze changelog).</summary>
/// <param name="Source">The source's name (<c>bronze</c>).</param>
/// <param name="Name">The table's name in the project (<c>orders</c>).</param>
/// <param name="Schema">Warehouse schema.</param>
/// <param name="Identifier">Warehouse table name.</param>
/// <param name="IsChangelog">Holds Strata changelog columns.</param>
/// <param name="LoadedAtField">Column that tells how fresh the data is.</param>
/// <param name="WarnAfter">Freshness warning threshold.</param>
/// <param name="ErrorAfter">Freshness error threshold.</param>
/// <param name="Path">File that declares it.</param>
public sealed record SourceTable(
    string Source, string Name, string Schema, string Identifier, bool IsChangelog, string? LoadedAtField, TimeSpan? WarnAfter, TimeSpan? ErrorAfter, string Path)
{
    /// <summary><c>source.table</c>.</summary>
    public string FullName => $"{Source}.{Name}";

    /// <summary>Unique id in the graph.</summary>
    public string Id => $"source.{FullName}";

    /// <summary>From the yml (the table's, else its source's).</summary>
    public string? Description { get; init; }

    /// <summary>Documented columns.</summary>
    public IReadOnlyList<ModelColumn> Columns { get; init; } = [];
}

/// <summary>A data test: generic (on a model or column, from yml) or singular (a SQL file returning failing rows).</summary>
/// <param name="Name">Unique name.</param>
/// <param name="Kind">Generic test name (<c>not_null</c>, …) or <c>singular</c>.</param>
/// <param name="Model">The model it tests (generic tests), or null.</param>
/// <param name="Column">The column it tests, when on a column.</param>
/// <param name="Arguments">Arguments from yml.</param>
/// <param name="Severity"><c>error</c> or <c>warn</c>.</param>
/// <param name="Path">File that declares it.</param>
public sealed record DataTest(
    string Name, string Kind, string? Model, string? Column, IReadOnlyDictionary<string, object?> Arguments, string Severity, string Path)
{
    /// <summary>The template of a singular test.</summary>
    internal SqlTemplate? Template { get; init; }

    /// <summary>For one of the project's own generic tests (<c>{% test %}</c>): the macro that renders it.</summary>
    internal string? Macro { get; init; }

    /// <summary>A unit test's inputs and expected rows (<see cref="Kind"/> <c>unit</c>).</summary>
    internal UnitTestFile? Unit { get; init; }

    /// <summary>The source table a generic test on a source checks (then <see cref="Model"/> is null).</summary>
    public SourceTable? Source { get; init; }

    /// <summary>Models a singular test refers to (generic: its model).</summary>
    public IReadOnlyList<string> Refs { get; internal set; } = [];

    /// <summary>Unique id in the graph.</summary>
    public string Id => $"test.{Name}";
}
