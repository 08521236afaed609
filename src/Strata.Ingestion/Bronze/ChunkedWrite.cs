using Strata.Warehouse;

namespace Strata.Ingestion.Bronze;

/// <summary>
/// One write spread over as many warehouse transactions as its size needs, where the engine bounds a transaction
/// (<see cref="TransactionBudget"/>): rows go in in the order given, a transaction is committed when the next row
/// would not fit, and the last one gets the statements that make the write complete (the checkpoint, a snapshot's
/// record). Each transaction is atomic on its own; the caller keeps the earlier ones invisible (readers stop at the
/// checkpoint) and their replay harmless (<see cref="ReplayGuard"/>).
/// </summary>
/// <remarks>
/// The seam for other load paths: a transaction here is the unit that lands atomically. A staged path (files in an
/// external stage and <c>COPY INTO</c>) is an adapter's <see cref="IBulkAppender"/> that adds a COPY statement to the
/// same transaction; a streaming ingest channel would replace the transaction, with the LSN as its offset token
/// (docs/adding-a-warehouse.md, "Bounded transactions").
/// </remarks>
internal sealed class ChunkedWrite(IWarehouse warehouse, TransactionBudget budget) : IAsyncDisposable
{
    private IWarehouseTransaction? _transaction;
    private (string Schema, string Table, IBulkAppender Appender)? _open;

    /// <summary>Transactions committed before the last one.</summary>
    public int Committed { get; private set; }

    /// <summary>Appends <paramref name="row"/>, first committing what is pending when it would not fit with it.</summary>
    /// <param name="schema">The table's schema.</param>
    /// <param name="table">The table.</param>
    /// <param name="columns">Its columns.</param>
    /// <param name="row">The row.</param>
    /// <param name="what">The row in a message, should it be larger than a transaction.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task AppendAsync(string schema, string table, IReadOnlyList<WarehouseColumn> columns, object?[] row, Func<string> what, CancellationToken cancellationToken)
    {
        var name = $"{schema}.{table}";
        if (!budget.TryAdd(name, columns, row, what))
        {
            await CommitPendingAsync(cancellationToken);
            budget.TryAdd(name, columns, row, what);
        }

        if (_open is not { } open || open.Schema != schema || open.Table != table)
        {
            await CloseAppenderAsync(cancellationToken);
            _transaction ??= await warehouse.BeginAsync(cancellationToken);
            open = (schema, table, await _transaction.AppendAsync(schema, table, columns, cancellationToken));
            _open = open;
        }

        open.Appender.Append(row);
    }

    /// <summary>Commits the last transaction, with the statements <paramref name="complete"/> adds.</summary>
    public async Task CommitAsync(Func<IWarehouseTransaction, Task> complete, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(complete);
        await CloseAppenderAsync(cancellationToken);
        _transaction ??= await warehouse.BeginAsync(cancellationToken);
        await complete(_transaction);
        await _transaction.CommitAsync(cancellationToken);
        await DisposeTransactionAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_open is { } open)
        {
            await open.Appender.DisposeAsync();
            _open = null;
        }

        await DisposeTransactionAsync();
    }

    private async Task CommitPendingAsync(CancellationToken cancellationToken)
    {
        await CloseAppenderAsync(cancellationToken);
        if (_transaction is not null)
        {
            await _transaction.CommitAsync(cancellationToken);
            await DisposeTransactionAsync();
            Committed++;
        }

        budget.Reset();
    }

    private async Task CloseAppenderAsync(CancellationToken cancellationToken)
    {
        if (_open is { } open)
        {
            _open = null;
            await open.Appender.CompleteAsync(cancellationToken);
            await open.Appender.DisposeAsync();
        }
    }

    private async Task DisposeTransactionAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
            _transaction = null;
        }
    }
}
