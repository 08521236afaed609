using Strata.Tests.Warehouse.Snowflake;

namespace Strata.Tests.Transform;

/// <summary>
/// The finance project end to end on a live Snowflake account (<see cref="LiveAccount"/>), each test in a database of
/// its own, created after the source is seeded and dropped after the test. Without an account every test is reported
/// skipped with the reason.
/// </summary>
public sealed class SnowflakeLiveFinanceProjectTests() : FinanceProjectTests("snowflake")
{
    private LiveDatabase? _database;

    public override async Task InitializeAsync()
    {
        // Before the source is set up: without an account there is nothing to set it up for.
        var account = LiveAccount.Require();
        await base.InitializeAsync();
        _database = await account.CreateDatabaseAsync();
        _database.UseIn(Project.Environment);
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await _database!.DisposeAsync();
        }
        finally
        {
            await base.DisposeAsync();
        }
    }
}
