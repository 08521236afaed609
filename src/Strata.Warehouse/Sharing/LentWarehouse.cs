namespace Strata.Warehouse.Sharing;

/// <summary>A <see cref="SharedWarehouse"/>'s handle as one service holds it: every call goes to the shared handle; disposing it does not close that.</summary>
internal sealed class LentWarehouse(IWarehouse inner) : IWarehouse
{
    /// <inheritdoc />
    public string Engine => inner.Engine;

    /// <inheritdoc />
    public string Location => inner.Location;

    /// <inheritdoc />
    public WarehouseCapabilities Capabilities => inner.Capabilities;

    /// <inheritdoc />
    public string Quote(string identifier) => inner.Quote(identifier);

    /// <inheritdoc />
    public string Qualify(string schema, string table) => inner.Qualify(schema, table);

    /// <inheritdoc />
    public string TypeName(WarehouseType type) => inner.TypeName(type);

    /// <inheritdoc />
    public Task EnsureSchemaAsync(string schema, CancellationToken cancellationToken = default) => inner.EnsureSchemaAsync(schema, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<WarehouseColumn>?> GetColumnsAsync(string schema, string table, CancellationToken cancellationToken = default) => inner.GetColumnsAsync(schema, table, cancellationToken);

    /// <inheritdoc />
    public Task<RelationKind> RelationKindAsync(string schema, string name, CancellationToken cancellationToken = default) => inner.RelationKindAsync(schema, name, cancellationToken);

    public Task<IReadOnlyList<WarehouseAccessCheck>> CheckAccessAsync(CancellationToken cancellationToken = default) => inner.CheckAccessAsync(cancellationToken);

    /// <inheritdoc />
    public Task CreateTableAsync(string schema, string table, IReadOnlyList<WarehouseColumn> columns, CancellationToken cancellationToken = default, IReadOnlyList<string>? primaryKey = null) => inner.CreateTableAsync(schema, table, columns, cancellationToken, primaryKey);

    /// <inheritdoc />
    public Task AddColumnAsync(string schema, string table, WarehouseColumn column, CancellationToken cancellationToken = default) => inner.AddColumnAsync(schema, table, column, cancellationToken);

    /// <inheritdoc />
    public Task WidenColumnAsync(string schema, string table, WarehouseColumn column, CancellationToken cancellationToken = default) => inner.WidenColumnAsync(schema, table, column, cancellationToken);

    /// <inheritdoc />
    public long AppendBytes(IReadOnlyList<WarehouseColumn> columns, ReadOnlySpan<object?> row, bool first) => inner.AppendBytes(columns, row, first);

    /// <inheritdoc />
    public Task<IWarehouseTransaction> BeginAsync(CancellationToken cancellationToken = default) => inner.BeginAsync(cancellationToken);

    /// <inheritdoc />
    public Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) => inner.QueryAsync(sql, parameters, cancellationToken);

    /// <inheritdoc />
    public Task ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) => inner.ExecuteAsync(sql, parameters, cancellationToken);

    /// <inheritdoc />
    public string DropRelationSql(string schema, string name, bool isView) => inner.DropRelationSql(schema, name, isView);

    /// <inheritdoc />
    public string Parameter(int index) => inner.Parameter(index);

    /// <inheritdoc />
    public string UpsertSql(string schema, string table, IReadOnlyList<string> columns, IReadOnlyList<string> key) => inner.UpsertSql(schema, table, columns, key);

    /// <inheritdoc />
    public Task ReplaceViewAsync(IWarehouseTransaction transaction, string schema, string name, string sql, CancellationToken cancellationToken = default) => inner.ReplaceViewAsync(transaction, schema, name, sql, cancellationToken);

    /// <inheritdoc />
    public string CreateTempTableSql(string name, string sql) => inner.CreateTempTableSql(name, sql);

    /// <inheritdoc />
    public string CreateTempViewSql(string name, string sql) => inner.CreateTempViewSql(name, sql);

    /// <inheritdoc />
    public string CreateScratchTableSql(string schema, string name, string sql) => inner.CreateScratchTableSql(schema, name, sql);

    /// <inheritdoc />
    public string ReplaceTableSql(string schema, string name, string sql) => inner.ReplaceTableSql(schema, name, sql);

    /// <inheritdoc />
    public string MergeSql(string target, string source, IReadOnlyList<string> keys, IReadOnlyList<string> columns) => inner.MergeSql(target, source, keys, columns);

    /// <inheritdoc />
    public string DeleteMatchingSql(string target, string source, IReadOnlyList<string> keys) => inner.DeleteMatchingSql(target, source, keys);

    /// <inheritdoc />
    public string UpdateFromSql(string target, string source, IReadOnlyList<string> keys, string assignments, string condition = "true") => inner.UpdateFromSql(target, source, keys, assignments, condition);

    /// <inheritdoc />
    public string DaysBetweenSql(string from, string to) => inner.DaysBetweenSql(from, to);

    /// <inheritdoc />
    public string HashTextSql(string expression) => inner.HashTextSql(expression);

    /// <inheritdoc />
    public string TypedParameter(int index, WarehouseType type) => inner.TypedParameter(index, type);

    /// <inheritdoc />
    public string TimestampSql(DateTimeOffset instant, WarehouseType type) => inner.TimestampSql(instant, type);

    /// <inheritdoc />
    /// <remarks>The handle stays open for the other services; its owner closes it.</remarks>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
