namespace Strata.Warehouse.Sharing;

/// <summary>
/// A warehouse that hands every call to another: the base of wrappers that change one thing (a lent handle that
/// does not close the shared one, a test's bounded engine) without forwarding each member again.
/// </summary>
/// <param name="inner">The warehouse every call goes to.</param>
public abstract class ForwardingWarehouse(IWarehouse inner) : IWarehouse
{
    /// <summary>The warehouse every call goes to.</summary>
    protected IWarehouse Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public virtual string Engine => Inner.Engine;

    /// <inheritdoc />
    public virtual string Location => Inner.Location;

    /// <inheritdoc />
    public virtual WarehouseCapabilities Capabilities => Inner.Capabilities;

    /// <inheritdoc />
    public virtual string Quote(string identifier) => Inner.Quote(identifier);

    /// <inheritdoc />
    public virtual string Qualify(string schema, string table) => Inner.Qualify(schema, table);

    /// <inheritdoc />
    public virtual string TypeName(WarehouseType type) => Inner.TypeName(type);

    /// <inheritdoc />
    public virtual Task EnsureSchemaAsync(string schema, CancellationToken cancellationToken = default) => Inner.EnsureSchemaAsync(schema, cancellationToken);

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<WarehouseColumn>?> GetColumnsAsync(string schema, string table, CancellationToken cancellationToken = default) => Inner.GetColumnsAsync(schema, table, cancellationToken);

    /// <inheritdoc />
    public virtual Task<RelationKind> RelationKindAsync(string schema, string name, CancellationToken cancellationToken = default) => Inner.RelationKindAsync(schema, name, cancellationToken);

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<WarehouseAccessCheck>> CheckAccessAsync(CancellationToken cancellationToken = default) => Inner.CheckAccessAsync(cancellationToken);

    /// <inheritdoc />
    public virtual Task CreateTableAsync(string schema, string table, IReadOnlyList<WarehouseColumn> columns, CancellationToken cancellationToken = default, IReadOnlyList<string>? primaryKey = null) => Inner.CreateTableAsync(schema, table, columns, cancellationToken, primaryKey);

    /// <inheritdoc />
    public virtual Task AddColumnAsync(string schema, string table, WarehouseColumn column, CancellationToken cancellationToken = default) => Inner.AddColumnAsync(schema, table, column, cancellationToken);

    /// <inheritdoc />
    public virtual Task WidenColumnAsync(string schema, string table, WarehouseColumn column, CancellationToken cancellationToken = default) => Inner.WidenColumnAsync(schema, table, column, cancellationToken);

    /// <inheritdoc />
    public virtual long AppendBytes(IReadOnlyList<WarehouseColumn> columns, ReadOnlySpan<object?> row, bool first) => Inner.AppendBytes(columns, row, first);

    /// <inheritdoc />
    public virtual Task<IWarehouseTransaction> BeginAsync(CancellationToken cancellationToken = default) => Inner.BeginAsync(cancellationToken);

    /// <inheritdoc />
    public virtual Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) => Inner.QueryAsync(sql, parameters, cancellationToken);

    /// <inheritdoc />
    public virtual Task ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) => Inner.ExecuteAsync(sql, parameters, cancellationToken);

    /// <inheritdoc />
    public virtual string DropRelationSql(string schema, string name, bool isView) => Inner.DropRelationSql(schema, name, isView);

    /// <inheritdoc />
    public virtual string Parameter(int index) => Inner.Parameter(index);

    /// <inheritdoc />
    public virtual string UpsertSql(string schema, string table, IReadOnlyList<string> columns, IReadOnlyList<string> key) => Inner.UpsertSql(schema, table, columns, key);

    /// <inheritdoc />
    public virtual Task ReplaceViewAsync(IWarehouseTransaction transaction, string schema, string name, string sql, CancellationToken cancellationToken = default) => Inner.ReplaceViewAsync(transaction, schema, name, sql, cancellationToken);

    /// <inheritdoc />
    public virtual string CreateTempTableSql(string name, string sql) => Inner.CreateTempTableSql(name, sql);

    /// <inheritdoc />
    public virtual string CreateTempViewSql(string name, string sql) => Inner.CreateTempViewSql(name, sql);

    /// <inheritdoc />
    public virtual string CreateScratchTableSql(string schema, string name, string sql) => Inner.CreateScratchTableSql(schema, name, sql);

    /// <inheritdoc />
    public virtual string ReplaceTableSql(string schema, string name, string sql) => Inner.ReplaceTableSql(schema, name, sql);

    /// <inheritdoc />
    public virtual string MergeSql(string target, string source, IReadOnlyList<string> keys, IReadOnlyList<string> columns) => Inner.MergeSql(target, source, keys, columns);

    /// <inheritdoc />
    public virtual string DeleteMatchingSql(string target, string source, IReadOnlyList<string> keys) => Inner.DeleteMatchingSql(target, source, keys);

    /// <inheritdoc />
    public virtual string UpdateFromSql(string target, string source, IReadOnlyList<string> keys, string assignments, string condition = "true") => Inner.UpdateFromSql(target, source, keys, assignments, condition);

    /// <inheritdoc />
    public virtual string DaysBetweenSql(string from, string to) => Inner.DaysBetweenSql(from, to);

    /// <inheritdoc />
    public virtual string HashTextSql(string expression) => Inner.HashTextSql(expression);

    /// <inheritdoc />
    public virtual string TypedParameter(int index, WarehouseType type) => Inner.TypedParameter(index, type);

    /// <inheritdoc />
    public virtual string TimestampSql(DateTimeOffset instant, WarehouseType type) => Inner.TimestampSql(instant, type);

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync() => Inner.DisposeAsync();
}
