namespace Strata.Warehouse;

/// <summary>
/// One analytical database, reached through its adapter. Adapters hold every dialect difference: nothing above
/// them writes engine-specific SQL.
/// </summary>
public interface IWarehouse : IAsyncDisposable
{
    /// <summary>Engine name: <c>duckdb</c>, <c>postgres</c>.</summary>
    string Engine { get; }

    /// <summary>Where it is, for messages (a file path or host:port/database).</summary>
    string Location { get; }

    /// <summary>What the engine can do.</summary>
    WarehouseCapabilities Capabilities { get; }

    /// <summary>Quotes an identifier.</summary>
    string Quote(string identifier);

    /// <summary><c>"schema"."table"</c> in the engine's quoting.</summary>
    string Qualify(string schema, string table);

    /// <summary>The engine's name for a column type.</summary>
    string TypeName(WarehouseType type);

    /// <summary>Creates a schema unless it exists.</summary>
    Task EnsureSchemaAsync(string schema, CancellationToken cancellationToken = default);

    /// <summary>The columns of a table, or null when it does not exist.</summary>
    Task<IReadOnlyList<WarehouseColumn>?> GetColumnsAsync(string schema, string table, CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="schema"/>.<paramref name="name"/> is a table, a view or nothing.</summary>
    Task<RelationKind> RelationKindAsync(string schema, string name, CancellationToken cancellationToken = default);

    /// <summary>Creates a table unless it exists, with <paramref name="primaryKey"/> as its key where the engine has keys.</summary>
    Task CreateTableAsync(string schema, string table, IReadOnlyList<WarehouseColumn> columns, CancellationToken cancellationToken = default, IReadOnlyList<string>? primaryKey = null);

    /// <summary>Adds a column to a table.</summary>
    Task AddColumnAsync(string schema, string table, WarehouseColumn column, CancellationToken cancellationToken = default);

    /// <summary>Changes a column to a wider type (every old value fits the new one exactly).</summary>
    Task WidenColumnAsync(string schema, string table, WarehouseColumn column, CancellationToken cancellationToken = default);

    /// <summary>
    /// Bytes of statement text that appending <paramref name="row"/> to <paramref name="columns"/>' table adds to a
    /// transaction (<paramref name="first"/>: its first row of that table there, which starts a statement), for engines
    /// whose transactions <see cref="WarehouseCapabilities.MaxTransactionBytes"/> bounds. An upper bound: a writer that
    /// keeps the sum under the limit never has a transaction refused for its size.
    /// </summary>
    long AppendBytes(IReadOnlyList<WarehouseColumn> columns, ReadOnlySpan<object?> row, bool first);

    /// <summary>Starts a transaction: appends, statements and queries in it commit together.</summary>
    Task<IWarehouseTransaction> BeginAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs a query outside any transaction and returns its rows (values as the driver gives them).</summary>
    Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// What the engine can check about the access it was given beyond opening (a compute warehouse to run on, the
    /// privileges to create what Strata needs), for <c>strata doctor</c>; empty when opening proved enough.
    /// </summary>
    Task<IReadOnlyList<WarehouseAccessCheck>> CheckAccessAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs a statement outside any transaction.</summary>
    Task ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>The statement that drops a table or view if it exists (and, where the engine needs it, what depends on it).</summary>
    string DropRelationSql(string schema, string name, bool isView);

    /// <summary>A positional parameter marker for <paramref name="index"/> (1-based): <c>$1</c> or <c>?</c>.</summary>
    string Parameter(int index);

    /// <summary>
    /// The statement that writes one row, its values the parameters 1…n in <paramref name="columns"/>' order, replacing
    /// the row with the same <paramref name="key"/> (the table was created with that primary key).
    /// </summary>
    string UpsertSql(string schema, string table, IReadOnlyList<string> columns, IReadOnlyList<string> key);

    /// <summary>
    /// Replaces view <paramref name="name"/> with <paramref name="sql"/> inside <paramref name="transaction"/>, also when
    /// its columns change (dropped, retyped, reordered), which some engines refuse to do in place.
    /// </summary>
    Task ReplaceViewAsync(IWarehouseTransaction transaction, string schema, string name, string sql, CancellationToken cancellationToken = default);

    /// <summary>The statement that creates temporary table <paramref name="name"/> (this transaction's session only) from <paramref name="sql"/>.</summary>
    string CreateTempTableSql(string name, string sql);

    /// <summary>The statement that creates temporary view <paramref name="name"/> over <paramref name="sql"/>.</summary>
    string CreateTempViewSql(string name, string sql);

    /// <summary>
    /// The statement that creates scratch table <paramref name="schema"/>.<paramref name="name"/> from <paramref name="sql"/>,
    /// replacing one of that name: a build's staged rows on an engine without transactional DDL, where a temporary
    /// table would not outlive the request that made it. Run on its own, outside any transaction; the build drops it.
    /// </summary>
    string CreateScratchTableSql(string schema, string name, string sql);

    /// <summary>
    /// The one statement that replaces table <paramref name="schema"/>.<paramref name="name"/> (or creates it) with the
    /// rows of <paramref name="sql"/>: for engines without transactional DDL, where a drop and a create would leave a
    /// moment without the table, and nothing when the create fails. Engines with transactional DDL drop and create in a transaction instead.
    /// </summary>
    string ReplaceTableSql(string schema, string name, string sql);

    /// <summary>
    /// The statement that merges the rows of relation <paramref name="source"/> into <paramref name="target"/> by
    /// <paramref name="keys"/>: a matching row takes the source's other <paramref name="columns"/>, the rest are
    /// inserted. Column names are unquoted; relations are written as the caller gives them.
    /// </summary>
    string MergeSql(string target, string source, IReadOnlyList<string> keys, IReadOnlyList<string> columns);

    /// <summary>The statement that deletes the rows of <paramref name="target"/> whose <paramref name="keys"/> appear in <paramref name="source"/>.</summary>
    string DeleteMatchingSql(string target, string source, IReadOnlyList<string> keys);

    /// <summary>
    /// The statement that updates the rows of <paramref name="target"/> (alias <c>t</c>) matching rows of
    /// <paramref name="source"/> (alias <c>s</c>, a relation or a parenthesized select) on <paramref name="keys"/>
    /// with <paramref name="assignments"/> (<c>column = expression</c>, columns unqualified, expressions may name
    /// <c>s.</c>), where <paramref name="condition"/> holds too.
    /// </summary>
    string UpdateFromSql(string target, string source, IReadOnlyList<string> keys, string assignments, string condition = "true");

    /// <summary>Whole days from date expression <paramref name="from"/> to <paramref name="to"/>.</summary>
    string DaysBetweenSql(string from, string to);

    /// <summary>An MD5 hash (hex text) of an expression cast to text.</summary>
    string HashTextSql(string expression);

    /// <summary>A parameter marker cast to <paramref name="type"/>, for engines that cannot infer a parameter's type.</summary>
    string TypedParameter(int index, WarehouseType type);

    /// <summary>
    /// <paramref name="instant"/> as a literal of <paramref name="type"/> (a timestamp, with or without zone, or a
    /// date), in UTC: for statements that take no parameters (<c>CREATE TABLE … AS</c>).
    /// </summary>
    string TimestampSql(DateTimeOffset instant, WarehouseType type);
}

/// <summary>What a relation is in the warehouse.</summary>
public enum RelationKind
{
    /// <summary>Nothing by that name.</summary>
    None,

    /// <summary>A table.</summary>
    Table,

    /// <summary>A view.</summary>
    View,
}

/// <summary>What an engine can do, for the layers above to choose their strategy instead of guessing from its name.</summary>
/// <param name="ParallelWriters">Several connections may write at once (false for an embedded single-writer file).</param>
/// <param name="MaxDecimalPrecision">Largest decimal precision; null when unbounded.</param>
/// <param name="TransactionalDdl">DDL takes part in a transaction (rolled back with it) rather than committing on its own.</param>
/// <param name="EnforcedKeys">Primary keys are enforced (a duplicate is refused), so an upsert by key is safe.</param>
/// <param name="SingleWriterProcess">Only one process may open the warehouse at a time.</param>
/// <param name="MaxTransactionBytes">
/// Largest transaction the engine takes, as bytes of statement text (<see cref="IWarehouse.AppendBytes"/>): Snowflake's SQL
/// API sends a transaction as one request under 1 MB. Null when unbounded. Writers split larger work into several
/// transactions and make the split invisible (bronze: only the last carries the checkpoint).
/// </param>
public sealed record WarehouseCapabilities(
    bool ParallelWriters, int? MaxDecimalPrecision, bool TransactionalDdl = true, bool EnforcedKeys = true, bool SingleWriterProcess = false, int? MaxTransactionBytes = null);

/// <summary>One check of a warehouse's access for <c>strata doctor</c>.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Ok">True when it is as Strata needs it.</param>
/// <param name="Detail">What was found.</param>
/// <param name="Fix">What to do when it is not ok.</param>
public sealed record WarehouseAccessCheck(string Name, bool Ok, string Detail, string? Fix = null);
