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

    /// <summary>Creates a table unless it exists.</summary>
    Task CreateTableAsync(string schema, string table, IReadOnlyList<WarehouseColumn> columns, CancellationToken cancellationToken = default);

    /// <summary>Adds a column to a table.</summary>
    Task AddColumnAsync(string schema, string table, WarehouseColumn column, CancellationToken cancellationToken = default);

    /// <summary>Changes a column to a wider type (every old value fits the new one exactly).</summary>
    Task WidenColumnAsync(string schema, string table, WarehouseColumn column, CancellationToken cancellationToken = default);

    /// <summary>Starts a transaction: appends, statements and queries in it commit together.</summary>
    Task<IWarehouseTransaction> BeginAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs a query outside any transaction and returns its rows (values as the driver gives them).</summary>
    Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>Runs a statement outside any transaction.</summary>
    Task ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>The statement that drops a table or view if it exists (and, where the engine needs it, what depends on it).</summary>
    string DropRelationSql(string schema, string name, bool isView);

    /// <summary>A positional parameter marker for <paramref name="index"/> (1-based): <c>$1</c> or <c>?</c>.</summary>
    string Parameter(int index);
}

/// <summary>What an engine can do, for the layers above to choose their strategy.</summary>
/// <param name="ParallelWriters">Several connections may write at once (false for an embedded single-writer file).</param>
/// <param name="MaxDecimalPrecision">Largest decimal precision; null when unbounded.</param>
public sealed record WarehouseCapabilities(bool ParallelWriters, int? MaxDecimalPrecision);
