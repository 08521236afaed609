using System.Runtime.CompilerServices;
using Strata.Warehouse;

namespace Strata.Transform.Execution.Staging;

/// <summary>
/// A build on an engine whose DDL commits on its own and whose transaction cannot read its own writes (one whose
/// transaction is a single request, its temporary tables ending with it). Two phases:
/// <list type="number">
/// <item>DDL and staging, each statement committed on its own: batches become scratch tables in
/// <see cref="Schema"/> (named per model and build), every read the build needs (counts, columns, newest position,
/// resets, duplicate keys) runs on them, and the target table is created when missing.</item>
/// <item>One transaction of only the writes (DML naming the scratch tables) and the watermark; afterwards, and on
/// failure, the scratch relations are dropped.</item>
/// </list>
/// Why it is still correct: the transaction makes the model's rows and its watermark commit together or not at all,
/// as before. What it no longer covers is the DDL: a failure after it leaves a created (empty) table, a dropped
/// one, or an added column, each of which the next run handles as a first build (a table without a watermark is
/// built from the whole changelog) or leaves harmless. The reads see committed data, not the writes; so they come
/// before the first write (refused after one), and a check of what the writes made (<see cref="GuardAsync"/>)
/// becomes a statement inside the transaction that fails it. Scratch relations left by a crash are named per build
/// and harmless. What it assumes, as the transactional form does: one build of a model at a time (what was read
/// before the transaction would otherwise be stale at its commit).
/// </summary>
internal sealed class StagedModelBuild : ModelBuild
{
    /// <summary>Where scratch relations live.</summary>
    public const string Schema = "_strata_stage";

    /// <summary>Starts a guard's violation text, so that its failure can be told from any other.</summary>
    private const string GuardMarker = "strata guard: ";

    /// <summary>The warehouses whose <see cref="Schema"/> this process has made sure of: once, not once per build (each is a request).</summary>
    private static readonly ConditionalWeakTable<IWarehouse, object> SchemaReady = [];

    private readonly IWarehouse _warehouse;
    private readonly IWarehouseTransaction _transaction;
    private readonly string _build = Guid.NewGuid().ToString("N")[..8];
    private readonly List<(string Name, string Relation, bool IsView)> _staged = [];
    private Func<string, Exception>? _guardError;
    private bool _wrote;

    public StagedModelBuild(IWarehouse warehouse, IWarehouseTransaction transaction)
    {
        _warehouse = warehouse;
        _transaction = transaction;
        Definitions = new OwnStatements(this);
    }

    public override IWarehouseTransaction Definitions { get; }

    public override Task<string> StageAsync(string name, string sql, CancellationToken cancellationToken) =>
        StageAsync(name, isView: false, (schema, scratch) => _warehouse.CreateScratchTableSql(schema, scratch, sql), cancellationToken);

    public override Task<string> StageViewAsync(string name, string sql, CancellationToken cancellationToken) =>
        StageAsync(name, isView: true, (schema, scratch) => $"CREATE OR REPLACE VIEW {_warehouse.Qualify(schema, scratch)} AS {sql}", cancellationToken);

    /// <remarks>Later: the transaction's writes still name it.</remarks>
    public override Task UnstageAsync(string relation, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task<QueryResult> ReadAsync(string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken)
    {
        RefuseAfterWrite("a read");
        return _warehouse.QueryAsync(sql, parameters, cancellationToken);
    }

    public override Task WriteAsync(string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken)
    {
        _wrote = true;
        return _transaction.ExecuteAsync(sql, parameters, cancellationToken);
    }

    /// <remarks>
    /// A DELETE from one of the build's scratch tables whose condition casts the violation, prefixed with
    /// <see cref="GuardMarker"/>, to a number: NULL (nothing deleted) when there is none, an error that fails the whole
    /// transaction when there is one — its text in the engine's message, read back at <see cref="CommitAsync"/>.
    /// </remarks>
    public override Task GuardAsync(Func<Task<string?>> check, string violationSql, Func<string, Exception> error, CancellationToken cancellationToken)
    {
        var scratch = _staged.FirstOrDefault(s => !s.IsView).Relation
            ?? throw new InvalidOperationException("a guard needs a staged table of the build to write its statement against");
        _guardError = error;
        var text = _warehouse.TypeName(WarehouseType.Text);
        return WriteAsync(
            $"DELETE FROM {scratch} WHERE CAST((SELECT CAST('{GuardMarker}' AS {text}) || strata_violation FROM ({violationSql}) AS guard LIMIT 1) AS {_warehouse.TypeName(WarehouseType.Int64)}) IS NOT NULL",
            null, cancellationToken);
    }

    public override async Task CommitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _transaction.CommitAsync(cancellationToken);
        }
        catch (WarehouseException ex) when (_guardError is not null && ex.Message.Contains(GuardMarker, StringComparison.Ordinal))
        {
            var violation = ex.Message[(ex.Message.IndexOf(GuardMarker, StringComparison.Ordinal) + GuardMarker.Length)..];
            throw _guardError(violation.Split('\'')[0]);
        }
    }

    /// <summary>Drops the scratch relations, newest first; one that cannot be dropped is left (named per build, it harms nothing).</summary>
    public override async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        foreach (var (name, _, isView) in Enumerable.Reverse(_staged))
        {
            try
            {
                await _warehouse.ExecuteAsync(_warehouse.DropRelationSql(Schema, name, isView));
            }
            catch (WarehouseException)
            {
            }
        }
    }

    private async Task<string> StageAsync(string name, bool isView, Func<string, string, string> create, CancellationToken cancellationToken)
    {
        RefuseAfterWrite("staging");
        if (!SchemaReady.TryGetValue(_warehouse, out _))
        {
            await _warehouse.EnsureSchemaAsync(Schema, cancellationToken);
            SchemaReady.AddOrUpdate(_warehouse, Schema);
        }

        var scratch = $"{name}__{_build}";
        await _warehouse.ExecuteAsync(create(Schema, scratch), null, cancellationToken);
        var relation = _warehouse.Qualify(Schema, scratch);
        _staged.Add((scratch, relation, isView));
        return relation;
    }

    private void RefuseAfterWrite(string what)
    {
        if (_wrote)
        {
            throw new InvalidOperationException(
                $"{what} after this build's first write: without transactional DDL it runs before the transaction and could not see the write; do it before writing");
        }
    }

    /// <summary>DDL, each statement on its own and committed at once: before the writes, never among them.</summary>
    private sealed class OwnStatements(StagedModelBuild build) : IWarehouseTransaction
    {
        public Task<IBulkAppender> AppendAsync(string schema, string table, IReadOnlyList<WarehouseColumn> columns, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("a build appends through its writes");

        public Task ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
        {
            build.RefuseAfterWrite("DDL");
            return build._warehouse.ExecuteAsync(sql, parameters, cancellationToken);
        }

        public Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
            build.ReadAsync(sql, parameters, cancellationToken);

        public Task CommitAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
