using Strata.Tests.Warehouse.Snowflake;

namespace Strata.Tests.Ingestion;

/// <summary>
/// Change data capture end to end into a live Snowflake account (<see cref="LiveAccount"/>): each pipeline a test
/// starts lands in a database of its own, created first and dropped after the test. Without an account every test is
/// reported skipped with the reason.
/// </summary>
public sealed class SnowflakeLiveIngestionTests() : IngestionTests("snowflake")
{
    private readonly List<LiveDatabase> _databases = [];
    private LiveAccount _account = null!;

    public override async Task InitializeAsync()
    {
        // Before the source is set up: without an account there is nothing to set it up for.
        _account = LiveAccount.Require();
        await base.InitializeAsync();
    }

    protected override async Task UsePipelineAsync(string name)
    {
        await base.UsePipelineAsync(name);
        var database = await _account.CreateDatabaseAsync();
        _databases.Add(database);
        database.UseIn(Project.Environment);
    }

    public override async Task DisposeAsync()
    {
        try
        {
            foreach (var database in _databases)
            {
                await database.DisposeAsync();
            }
        }
        finally
        {
            await base.DisposeAsync();
        }
    }
}
