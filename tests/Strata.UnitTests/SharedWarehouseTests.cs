using Strata.Warehouse.DuckDb;
using Strata.Warehouse.Metadata;
using Strata.Warehouse.Sharing;

namespace Strata.UnitTests;

public sealed class SharedWarehouseTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"strata-unit-shared-{Guid.NewGuid():N}.duckdb");

    public void Dispose()
    {
        File.Delete(_path);
        File.Delete(_path + ".wal");
    }

    [Fact]
    public async Task Every_lender_gets_one_handle_that_its_dispose_leaves_open_and_the_schema_is_checked_once()
    {
        var opened = 0;
        await using var shared = new SharedWarehouse(async token =>
        {
            opened++;
            return await DuckDbWarehouse.OpenAsync(_path, token);
        });

        var first = await shared.Lend(CancellationToken.None);
        await first.DisposeAsync();
        var second = await shared.Lend(CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(1, opened);
        Assert.Equal(1L, Convert.ToInt64((await second.QueryAsync("SELECT 1"))[0][0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Same(StrataSchema.EnsureAsync(first), StrataSchema.EnsureAsync(second));
        await StrataSchema.EnsureAsync(second);
    }
}
