using Strata.Warehouse;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// The warehouse contract suite on a live Snowflake account (<see cref="LiveAccount"/>), each test in a database of its
/// own, created before and dropped after; without an account every test is reported skipped with the reason.
/// </summary>
public sealed class SnowflakeLiveWarehouseTests : WarehouseTests
{
    private LiveDatabase? _database;

    public override async Task InitializeAsync()
    {
        _database = await LiveAccount.Require().CreateDatabaseAsync();
        try
        {
            await base.InitializeAsync();
        }
        catch
        {
            // xUnit calls DisposeAsync only after a successful InitializeAsync: drop the database here, or it stays.
            await _database.DisposeAsync();
            throw;
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _database!.DisposeAsync();
    }

    protected override Task<IWarehouse> OpenAsync() => Task.FromResult<IWarehouse>(_database!.OpenWarehouse());
}
