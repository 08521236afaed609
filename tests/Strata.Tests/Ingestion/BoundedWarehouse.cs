using System.Collections.Concurrent;
using Strata.Warehouse;

namespace Strata.Tests.Ingestion;

/// <summary>
/// A real warehouse (DuckDB) that says its transactions are bounded to <c>maxTransactionBytes</c>, as Snowflake's are,
/// so ingestion splits its writes on it; it records what each committed transaction held, and can fail the commit
/// of a chosen transaction as a crash would (that transaction rolls back, the ones before stay committed).
/// </summary>
internal sealed class BoundedWarehouse(IWarehouse inner, BoundedWarehouse.Run run) : IWarehouse
{
    public string Engine => inner.Engine;

    public string Location => inner.Location;

    public WarehouseCapabilities Capabilities => inner.Capabilities with { MaxTransactionBytes = run.Bound };

    public string Quote(string identifier) => inner.Quote(identifier);

    public string Qualify(string schema, string table) => inner.Qualify(schema, table);

    public string TypeName(WarehouseType type) => inner.TypeName(type);

    public Task EnsureSchemaAsync(string schema, CancellationToken cancellationToken = default) => inner.EnsureSchemaAsync(schema, cancellationToken);

    public Task<IReadOnlyList<WarehouseColumn>?> GetColumnsAsync(string schema, string table, CancellationToken cancellationToken = default) => inner.GetColumnsAsync(schema, table, cancellationToken);

    public Task<RelationKind> RelationKindAsync(string schema, string name, CancellationToken cancellationToken = default) => inner.RelationKindAsync(schema, name, cancellationToken);

    public Task<IReadOnlyList<WarehouseAccessCheck>> CheckAccessAsync(CancellationToken cancellationToken = default) => inner.CheckAccessAsync(cancellationToken);

    public string CreateScratchTableSql(string schema, string name, string sql) => inner.CreateScratchTableSql(schema, name, sql);

    public string ReplaceTableSql(string schema, string name, string sql) => inner.ReplaceTableSql(schema, name, sql);

    public Task CreateTableAsync(string schema, string table, IReadOnlyList<WarehouseColumn> columns, CancellationToken cancellationToken = default, IReadOnlyList<string>? primaryKey = null) => inner.CreateTableAsync(schema, table, columns, cancellationToken, primaryKey);

    public Task AddColumnAsync(string schema, string table, WarehouseColumn column, CancellationToken cancellationToken = default) => inner.AddColumnAsync(schema, table, column, cancellationToken);

    public Task WidenColumnAsync(string schema, string table, WarehouseColumn column, CancellationToken cancellationToken = default) => inner.WidenColumnAsync(schema, table, column, cancellationToken);

    public long AppendBytes(IReadOnlyList<WarehouseColumn> columns, ReadOnlySpan<object?> row, bool first) => inner.AppendBytes(columns, row, first);

    public async Task<IWarehouseTransaction> BeginAsync(CancellationToken cancellationToken = default) =>
        new Transaction(run, await inner.BeginAsync(cancellationToken));

    public Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) => inner.QueryAsync(sql, parameters, cancellationToken);

    public Task ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) => inner.ExecuteAsync(sql, parameters, cancellationToken);

    public string DropRelationSql(string schema, string name, bool isView) => inner.DropRelationSql(schema, name, isView);

    public string Parameter(int index) => inner.Parameter(index);

    public string UpsertSql(string schema, string table, IReadOnlyList<string> columns, IReadOnlyList<string> key) => inner.UpsertSql(schema, table, columns, key);

    public Task ReplaceViewAsync(IWarehouseTransaction transaction, string schema, string name, string sql, CancellationToken cancellationToken = default) =>
        inner.ReplaceViewAsync(transaction is Transaction t ? t.Inner : transaction, schema, name, sql, cancellationToken);

    public string CreateTempTableSql(string name, string sql) => inner.CreateTempTableSql(name, sql);

    public string CreateTempViewSql(string name, string sql) => inner.CreateTempViewSql(name, sql);

    public string MergeSql(string target, string source, IReadOnlyList<string> keys, IReadOnlyList<string> columns) => inner.MergeSql(target, source, keys, columns);

    public string DeleteMatchingSql(string target, string source, IReadOnlyList<string> keys) => inner.DeleteMatchingSql(target, source, keys);

    public string UpdateFromSql(string target, string source, IReadOnlyList<string> keys, string assignments, string condition = "true") => inner.UpdateFromSql(target, source, keys, assignments, condition);

    public string DaysBetweenSql(string from, string to) => inner.DaysBetweenSql(from, to);

    public string HashTextSql(string expression) => inner.HashTextSql(expression);

    public string TypedParameter(int index, WarehouseType type) => inner.TypedParameter(index, type);

    public string TimestampSql(DateTimeOffset instant, WarehouseType type) => inner.TimestampSql(instant, type);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>What every warehouse a run of ingestion opens shares: the bound, the crash to inject, the commits seen.</summary>
    /// <param name="Bound">The transaction bound, in bytes of SQL text.</param>
    /// <param name="CrashAtPartialCommit">Fails the commit of the n-th (1-based) transaction with appended rows and without the checkpoint; 0 = never.</param>
    internal sealed record Run(int Bound, int CrashAtPartialCommit)
    {
        private int _partialCommits;

        /// <summary>Each committed transaction: the rows it appended to bronze and to <c>_strata</c> (held changes), and whether it moved the checkpoint.</summary>
        public ConcurrentQueue<(int BronzeRows, int StrataRows, bool Checkpoint)> Commits { get; } = new();

        public IWarehouse Open(IWarehouse inner) => new BoundedWarehouse(inner, this);

        public bool CrashesNow() => CrashAtPartialCommit > 0 && Interlocked.Increment(ref _partialCommits) == CrashAtPartialCommit;
    }

    private sealed class Transaction(Run run, IWarehouseTransaction inner) : IWarehouseTransaction
    {
        private int _bronzeRows;
        private int _strataRows;
        private bool _checkpoint;

        public IWarehouseTransaction Inner => inner;

        public async Task<IBulkAppender> AppendAsync(string schema, string table, IReadOnlyList<WarehouseColumn> columns, CancellationToken cancellationToken = default)
        {
            var appender = await inner.AppendAsync(schema, table, columns, cancellationToken);
            return new Counting(appender, schema == "bronze" ? () => _bronzeRows++ : () => _strataRows++);
        }

        public Task ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
        {
            _checkpoint |= sql.Contains("checkpoints", StringComparison.Ordinal);
            return inner.ExecuteAsync(sql, parameters, cancellationToken);
        }

        public Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
            inner.QueryAsync(sql, parameters, cancellationToken);

        public async Task CommitAsync(CancellationToken cancellationToken = default)
        {
            if (_bronzeRows + _strataRows > 0 && !_checkpoint && run.CrashesNow())
            {
                throw new InvalidOperationException($"injected crash before partial commit {run.CrashAtPartialCommit}");
            }

            await inner.CommitAsync(cancellationToken);
            run.Commits.Enqueue((_bronzeRows, _strataRows, _checkpoint));
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private sealed class Counting(IBulkAppender inner, Action counted) : IBulkAppender
    {
        public void Append(ReadOnlySpan<object?> values)
        {
            inner.Append(values);
            counted();
        }

        public Task CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
