using System.Text;
using System.Text.RegularExpressions;

namespace Strata.Warehouse.Snowflake;

/// <summary>
/// A transaction as the SQL API can run one: every request is its own session, so the statements are kept and sent
/// at commit as one multi-statement request, <c>BEGIN</c> … <c>COMMIT</c>, their parameters written as literals
/// ("Using explicit transactions"; bind variables are not allowed there). Snowflake commits all or nothing; nothing is
/// sent when it is disposed without commit. A single statement goes alone (atomic by itself) with bind variables.
/// A query reads what is committed: after a write in the same transaction it is refused rather than answered wrongly.
/// Model builds never send one (TransactionalDdl is false: they stage and read first, and their transaction holds
/// only writes; docs/snowflake.md, "Models"). DDL among several statements is refused too: Snowflake would commit
/// the statements before it on its own, and run those after it outside any transaction.
/// </summary>
internal sealed partial class SnowflakeTransaction(SnowflakeWarehouse warehouse) : IWarehouseTransaction
{
    private readonly List<(string Sql, IReadOnlyList<object?>? Parameters)> _statements = [];

    public Task<IBulkAppender> AppendAsync(string schema, string table, IReadOnlyList<WarehouseColumn> columns, CancellationToken cancellationToken = default) =>
        Task.FromResult<IBulkAppender>(new SnowflakeAppender(warehouse, schema, table, columns, sql => _statements.Add((sql, null))));

    public Task ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        _statements.Add((sql, parameters));
        return Task.CompletedTask;
    }

    public Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        _statements.Count == 0
            ? warehouse.QueryAsync(sql, parameters, cancellationToken)
            : throw new WarehouseException(
                "a query after a write in the same transaction cannot see that write on Snowflake (the SQL API runs a transaction as one request); query before writing, or after the commit");

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        switch (_statements.Count)
        {
            case 0:
                return;
            case 1:
                await warehouse.RunAsync(_statements[0].Sql, _statements[0].Parameters, cancellationToken);
                break;
            default:
                if (_statements.FirstOrDefault(s => Ddl().IsMatch(s.Sql)).Sql is { } ddl)
                {
                    throw new WarehouseException(
                        $"DDL inside a transaction of several statements would commit it halfway on Snowflake; run it before the transaction: {ddl[..Math.Min(ddl.Length, 80)]}");
                }

                await warehouse.RunInOneRequestAsync(Transaction(_statements.Select(s => SnowflakeSqlText.Inline(s.Sql, s.Parameters))), cancellationToken);
                break;
        }

        _statements.Clear();
    }

    public ValueTask DisposeAsync()
    {
        _statements.Clear();
        return ValueTask.CompletedTask;
    }

    /// <summary><c>BEGIN TRANSACTION</c>, the statements, <c>COMMIT</c>: refused before sending when over the SQL API's size limit.</summary>
    internal static IReadOnlyList<string> Transaction(IEnumerable<string> statements)
    {
        List<string> all = ["BEGIN TRANSACTION", .. statements, "COMMIT"];
        var bytes = all.Sum(s => Encoding.UTF8.GetByteCount(s) + 2);
        return bytes <= SnowflakeLimits.MaxStatementBytes
            ? all
            : throw new WarehouseException(
                $"one transaction of {all.Count - 2} statements is {bytes / 1024} KiB of SQL, over the SQL API's 1 MB limit for a request; write it in smaller batches (ingest.batch_size)");
    }

    // Statements that commit on their own in Snowflake ("Transactions" → "DDL").
    [GeneratedRegex(@"^\s*(CREATE|DROP|ALTER|UNDROP|GRANT|REVOKE)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Ddl();
}
