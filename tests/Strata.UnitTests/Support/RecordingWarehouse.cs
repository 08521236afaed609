using Strata.Warehouse;

namespace Strata.UnitTests.Support;

/// <summary>
/// A warehouse without an engine: quoting and parameters as the adapters have them, queries recorded and answered
/// from <see cref="Answer"/>; statements outside a transaction are recorded, and a transaction fails the test.
/// </summary>
internal sealed class RecordingWarehouse : WarehouseBase, IWarehouse
{
    /// <summary>Statements run outside a transaction (<see cref="IWarehouse.ExecuteAsync"/>), recorded instead of run.</summary>
    public List<(string Sql, IReadOnlyList<object?> Parameters)> Statements { get; } = [];

    public List<(string Sql, IReadOnlyList<object?> Parameters)> Queries { get; } = [];

    /// <summary>The rows a query returns (none by default).</summary>
    public Func<string, IReadOnlyList<object?>, List<object?[]>> Answer { get; set; } = (_, _) => [];

    public override string Engine => "duckdb";

    public override string Location => "memory";

    public override WarehouseCapabilities Capabilities { get; } = new(ParallelWriters: false, MaxDecimalPrecision: 38);

    public override string TypeName(WarehouseType type) => throw new NotSupportedException("no types in the recording warehouse");

    public override Task<IWarehouseTransaction> BeginAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the recording warehouse does not write");

    public override Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        var given = parameters ?? [];
        Queries.Add((sql, given));
        return Task.FromResult(new QueryResult(["value"], Answer(sql, given)));
    }

    Task IWarehouse.ExecuteAsync(string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken)
    {
        lock (Statements)
        {
            Statements.Add((sql, parameters ?? []));
        }

        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
