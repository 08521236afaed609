using System.Collections.Concurrent;
using Strata.Warehouse;
using Strata.Warehouse.Sharing;

namespace Strata.Tests.Ingestion;

/// <summary>
/// A real warehouse (DuckDB) that says its transactions are bounded to <c>maxTransactionBytes</c>, as Snowflake's are,
/// so ingestion splits its writes on it; it records what each committed transaction held, and can fail the commit
/// of a chosen transaction as a crash would (that transaction rolls back, the ones before stay committed).
/// </summary>
internal sealed class BoundedWarehouse(IWarehouse inner, BoundedWarehouse.Run run) : ForwardingWarehouse(inner)
{
    public override WarehouseCapabilities Capabilities => Inner.Capabilities with { MaxTransactionBytes = run.Bound };

    public override async Task<IWarehouseTransaction> BeginAsync(CancellationToken cancellationToken = default) =>
        new Transaction(run, await Inner.BeginAsync(cancellationToken));

    public override Task ReplaceViewAsync(IWarehouseTransaction transaction, string schema, string name, string sql, CancellationToken cancellationToken = default) =>
        Inner.ReplaceViewAsync(transaction is Transaction t ? t.Inner : transaction, schema, name, sql, cancellationToken);

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
