using System.Security.Cryptography;
using Strata.Configuration;
using Strata.Warehouse.Snowflake;
using Strata.Warehouse.Snowflake.Api;
using Strata.Warehouse.Snowflake.Auth;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// The real Snowflake account the live suite runs on, from <c>STRATA_SNOWFLAKE_ACCOUNT</c>, <c>_USER</c>,
/// <c>_PRIVATE_KEY_FILE</c>, <c>_ROLE</c> and <c>_WAREHOUSE</c> (and <c>_PRIVATE_KEY_PASSPHRASE</c> for an encrypted
/// key). Every live test takes a database of its own from <see cref="CreateDatabaseAsync"/>.
/// </summary>
internal sealed class LiveAccount
{
    /// <summary>The variables the live suite needs.</summary>
    public static readonly string[] Variables =
        ["STRATA_SNOWFLAKE_ACCOUNT", "STRATA_SNOWFLAKE_USER", "STRATA_SNOWFLAKE_PRIVATE_KEY_FILE", "STRATA_SNOWFLAKE_ROLE", "STRATA_SNOWFLAKE_WAREHOUSE"];

    // Tags every request of the live suite, so that its statements can be told apart in the account's query history.
    private const string Job = "live-test";

    private readonly string _account;
    private readonly string _user;
    private readonly string _role;
    private readonly string _compute;
    private readonly string _privateKeyFile;
    private readonly string? _passphrase;

    private LiveAccount()
    {
        _account = Variable("STRATA_SNOWFLAKE_ACCOUNT")!;
        _user = Variable("STRATA_SNOWFLAKE_USER")!;
        _role = Variable("STRATA_SNOWFLAKE_ROLE")!;
        _compute = Variable("STRATA_SNOWFLAKE_WAREHOUSE")!;
        _privateKeyFile = Path.GetFullPath(Variable("STRATA_SNOWFLAKE_PRIVATE_KEY_FILE")!);
        _passphrase = Variable("STRATA_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE");
    }

    /// <summary>
    /// Why the live suite cannot run here, or null when every variable is set. <c>.ci/run</c> counts the tests skipped
    /// with it by its first words, "no Snowflake account".
    /// </summary>
    public static string? SkipReason { get; } = Variables.Where(v => Variable(v) is null).ToList() is { Count: > 0 } missing
        ? $"no Snowflake account: {string.Join(", ", missing)} not set (docs/snowflake.md, the live suite)"
        : null;

    /// <summary>The account; without one the calling <c>[SkippableFact]</c> is skipped with <see cref="SkipReason"/>.</summary>
    public static LiveAccount Require()
    {
        Skip.If(SkipReason is not null, SkipReason);
        return new LiveAccount();
    }

    /// <summary>A new database, <c>STRATA_TEST_&lt;hex&gt;</c>, for one test; the caller disposes (drops) it.</summary>
    public async Task<LiveDatabase> CreateDatabaseAsync()
    {
        var name = $"STRATA_TEST_{RandomNumberGenerator.GetHexString(8)}";
        await ExecuteAsync($"CREATE DATABASE {SnowflakeIdentifiers.Quote(name)}");
        return new LiveDatabase(this, name);
    }

    /// <summary>One statement outside any database, as the suite's login.</summary>
    internal async Task ExecuteAsync(string sql)
    {
        using var client = Client(database: null);
        await client.ExecuteAsync(sql, Job);
    }

    /// <summary>An adapter handle on <paramref name="database"/>, as <c>strata</c> would open it.</summary>
    internal SnowflakeWarehouse OpenWarehouse(string database) => new(Client(database), database, Job);

    /// <summary>The <c>STRATA_WAREHOUSE_*</c> variables that point a project's <c>strata</c> at <paramref name="database"/> (docs/snowflake.md).</summary>
    internal void Configure(IDictionary<string, string> environment, string database)
    {
        environment[Settings.WarehouseEngine.EnvironmentVariable] = "snowflake";
        environment[Settings.WarehouseAccount.EnvironmentVariable] = _account;
        environment[Settings.WarehouseUser.EnvironmentVariable] = _user;
        environment[Settings.WarehouseRole.EnvironmentVariable] = _role;
        environment[Settings.WarehouseCompute.EnvironmentVariable] = _compute;
        environment[Settings.WarehouseDatabase.EnvironmentVariable] = database;
        environment[Settings.WarehousePrivateKeyFile.EnvironmentVariable] = _privateKeyFile;
        if (_passphrase is not null)
        {
            environment[Settings.WarehousePrivateKeyPassphrase.EnvironmentVariable] = _passphrase;
        }
    }

    private SnowflakeClient Client(string? database) => new(
        new SnowflakeClientOptions
        {
            BaseUrl = SnowflakeAccount.BaseUrl(_account),
            Database = database,
            Role = SnowflakeIdentifiers.Stored(_role),
            Warehouse = SnowflakeIdentifiers.Stored(_compute),
            StatementTimeout = TimeSpan.FromMinutes(5),
        },
        KeyPairJwtAuthenticator.FromPem(_account, _user, File.ReadAllText(_privateKeyFile), _passphrase, TimeProvider.System, _privateKeyFile));

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
