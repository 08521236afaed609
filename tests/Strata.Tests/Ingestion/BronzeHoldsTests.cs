using Strata.Ingestion.Bronze;
using Strata.Ingestion.Catalog;
using Strata.Output;
using Strata.Warehouse;
using Strata.Warehouse.DuckDb;

namespace Strata.Tests.Ingestion;

/// <summary>
/// <see cref="BronzeWriter.HoldsAsync"/> decides whether a stream's first relation message of a table is checked
/// against bronze again: it must say true only when following the table would change nothing, on a real DuckDB file.
/// </summary>
public sealed class BronzeHoldsTests : IAsyncLifetime
{
    private static readonly SourceTable Gauges = new("operations", "gauges",
    [
        new("id", "bigint", WarehouseType.Int64, false, true),
        new("level", "integer", WarehouseType.Int32, false, false),
    ]);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"strata-bronze-holds-{Guid.NewGuid():N}.duckdb");
    private IWarehouse _warehouse = null!;
    private BronzeWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _warehouse = await DuckDbWarehouse.OpenAsync(_path);
        await MetadataTables.EnsureAsync(_warehouse, CancellationToken.None);
        _writer = await BronzeWriter.OpenAsync(_warehouse, "finance", "strata_finance", new NullConsole(), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        File.Delete(_path);
        File.Delete(_path + ".wal");
    }

    [Fact]
    public async Task Bronze_holds_a_table_only_as_it_was_followed()
    {
        Assert.False(await _writer.HoldsAsync(Gauges, CancellationToken.None), "a table bronze has never seen");
        await _writer.EnsureTableAsync(Gauges, followSource: true, CancellationToken.None);
        Assert.True(await _writer.HoldsAsync(Gauges, CancellationToken.None));

        // A column added at the source, one whose type changed, one dropped: each is still to be followed.
        var added = Gauges with { Columns = [.. Gauges.Columns, new("note", "text", WarehouseType.Text, false, false)] };
        var widened = Gauges with { Columns = [Gauges.Columns[0], Gauges.Columns[1] with { SourceType = "bigint", Type = WarehouseType.Int64 }] };
        var dropped = Gauges with { Columns = [Gauges.Columns[0]] };
        Assert.False(await _writer.HoldsAsync(added, CancellationToken.None), "a new column");
        Assert.False(await _writer.HoldsAsync(widened, CancellationToken.None), "a widened column");
        Assert.False(await _writer.HoldsAsync(dropped, CancellationToken.None), "a dropped column");

        // Once the drop is followed, bronze holds the table without it (the column stays in bronze, recorded as dropped).
        await _writer.EnsureTableAsync(dropped, followSource: true, CancellationToken.None);
        Assert.True(await _writer.HoldsAsync(dropped, CancellationToken.None));
        Assert.False(await _writer.HoldsAsync(Gauges, CancellationToken.None), "a column recorded as dropped, back");
    }
}
