using Strata.Transform.Lineage;

namespace Strata.Transform.Docs;

/// <summary>
/// What <c>strata docs</c> writes to <c>catalog.json</c> (snake_case keys) and draws in <c>index.html</c>: the
/// project's models, seeds, snapshots, sources, tests, docs blocks and column-level lineage. Ids are dbt's shape:
/// <c>model.name</c>, <c>seed.name</c>, <c>snapshot.name</c>, <c>source.source.table</c>, <c>test.name</c>; a
/// relation the project does not declare is <c>relation.schema.table</c>.
/// </summary>
/// <param name="Project">The project's name.</param>
/// <param name="GeneratedAt">When (UTC).</param>
/// <param name="Nodes">Models, seeds and snapshots, in build order.</param>
/// <param name="Sources">Source tables.</param>
/// <param name="Tests">Data and unit tests, with their last result when <c>_strata.test_results</c> has one.</param>
/// <param name="DocBlocks">The <c>{% docs %}</c> blocks, as text.</param>
/// <param name="LineageEdges">Every column-to-column edge, upstream to downstream.</param>
public sealed record DocsCatalog(
    string Project,
    DateTime GeneratedAt,
    IReadOnlyList<DocsNode> Nodes,
    IReadOnlyList<DocsSource> Sources,
    IReadOnlyList<DocsTest> Tests,
    IReadOnlyList<DocsBlock> DocBlocks,
    IReadOnlyList<DocsEdge> LineageEdges);

/// <summary>A model, seed or snapshot.</summary>
/// <param name="Id">Its id.</param>
/// <param name="ResourceType"><c>model</c>, <c>seed</c> or <c>snapshot</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="Path">Its file, relative to the project.</param>
/// <param name="Materialized">How it is built.</param>
/// <param name="Schema">The warehouse schema.</param>
/// <param name="Relation"><c>schema.name</c>.</param>
/// <param name="Description">From its yml.</param>
/// <param name="Tags">Its tags.</param>
/// <param name="DependsOn">The ids it reads.</param>
/// <param name="ReferencedBy">The ids that read it.</param>
/// <param name="Columns">Its columns: the built relation's, then those its SQL selects, then the documented ones.</param>
/// <param name="RawSql">The SQL template (null for a seed).</param>
/// <param name="CompiledSql">The SQL the warehouse runs, rendered as for a full build (null for a seed, or when it did not compile).</param>
/// <param name="Lineage"><c>computed</c>, <c>unknown</c> (see <paramref name="LineageUnknown"/>) or <c>none</c> (a seed: its columns are its file's).</param>
/// <param name="LineageUnknown">Why its columns could not be followed.</param>
/// <param name="LastRun">Its last run's status (<c>success</c>, <c>error</c>, <c>skipped</c>), when one is recorded.</param>
public sealed record DocsNode(
    string Id,
    string ResourceType,
    string Name,
    string Path,
    string Materialized,
    string Schema,
    string Relation,
    string? Description,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> DependsOn,
    IReadOnlyList<string> ReferencedBy,
    IReadOnlyList<DocsColumn> Columns,
    string? RawSql,
    string? CompiledSql,
    string Lineage,
    string? LineageUnknown,
    string? LastRun);

/// <summary>A column of a node or source.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Description">From the yml.</param>
/// <param name="DataType">The warehouse's type when the relation exists, else the yml's <c>data_type</c>.</param>
/// <param name="Upstream">The columns its values are computed from.</param>
/// <param name="LineageUnknown">Why its origin is not (fully) known; null when <paramref name="Upstream"/> is all of it.</param>
public sealed record DocsColumn(string Name, string? Description, string? DataType, IReadOnlyList<ColumnRef> Upstream, string? LineageUnknown);

/// <summary>A source table.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Source">The source's name.</param>
/// <param name="Name">The table's name in the project.</param>
/// <param name="Relation"><c>schema.identifier</c> in the warehouse.</param>
/// <param name="Description">From the yml.</param>
/// <param name="IsChangelog">A Strata changelog (bronze).</param>
/// <param name="LoadedAtField">The column freshness is measured on.</param>
/// <param name="WarnAfterSeconds">Freshness warning threshold.</param>
/// <param name="ErrorAfterSeconds">Freshness error threshold.</param>
/// <param name="Path">The yml that declares it.</param>
/// <param name="Columns">The warehouse's columns when the table exists, and the documented ones.</param>
/// <param name="ReferencedBy">The ids that read it.</param>
public sealed record DocsSource(
    string Id,
    string Source,
    string Name,
    string Relation,
    string? Description,
    bool IsChangelog,
    string? LoadedAtField,
    double? WarnAfterSeconds,
    double? ErrorAfterSeconds,
    string Path,
    IReadOnlyList<DocsColumn> Columns,
    IReadOnlyList<string> ReferencedBy);

/// <summary>A test.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Kind">The generic test's name, <c>singular</c> or <c>unit</c>.</param>
/// <param name="On">The ids it tests: its model or source, or what a singular test refers to.</param>
/// <param name="Column">The column, for a test on one.</param>
/// <param name="Severity"><c>error</c> or <c>warn</c>.</param>
/// <param name="Path">The file that declares it.</param>
/// <param name="LastStatus">Its last result (<c>pass</c>, <c>fail</c>, <c>warn</c>, <c>error</c>), when recorded.</param>
/// <param name="LastRunAt">When that was (UTC).</param>
public sealed record DocsTest(string Id, string Name, string Kind, IReadOnlyList<string> On, string? Column, string Severity, string Path, string? LastStatus, DateTime? LastRunAt);

/// <summary>A docs block.</summary>
/// <param name="Name">Its name (<c>doc('name')</c>).</param>
/// <param name="Path">Its <c>.md</c> file.</param>
/// <param name="Text">Its text, as written.</param>
public sealed record DocsBlock(string Name, string Path, string Text);

/// <summary>One lineage edge: the downstream column's values are computed from the upstream column's.</summary>
/// <param name="FromNode">The upstream id.</param>
/// <param name="FromColumn">The upstream column.</param>
/// <param name="ToNode">The downstream id.</param>
/// <param name="ToColumn">The downstream column.</param>
public sealed record DocsEdge(string FromNode, string FromColumn, string ToNode, string ToColumn);
