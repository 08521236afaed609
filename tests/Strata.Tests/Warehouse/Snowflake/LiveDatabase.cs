using Strata.Warehouse.Snowflake;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>A database of one test's own on the live account (<see cref="LiveAccount"/>), dropped when disposed.</summary>
internal sealed class LiveDatabase(LiveAccount account, string name) : IAsyncDisposable
{
    /// <summary>Its name, as stored: <c>STRATA_TEST_&lt;hex&gt;</c>.</summary>
    public string Name => name;

    /// <summary>A new adapter handle on it; the caller disposes it.</summary>
    public SnowflakeWarehouse OpenWarehouse() => account.OpenWarehouse(name);

    /// <summary>Points a project's <c>strata</c> (its child processes' environment) at this database.</summary>
    public void UseIn(IDictionary<string, string> environment) => account.Configure(environment, name);

    /// <summary>Drops it, with whatever the test left in it.</summary>
    public async ValueTask DisposeAsync() => await account.ExecuteAsync($"DROP DATABASE IF EXISTS {SnowflakeIdentifiers.Quote(name)}");
}
