using System.Security.Cryptography;
using Strata.Configuration;
using Strata.Infra;
using Strata.Infra.Declaration;
using Strata.Infra.Postgres;
using Strata.Platform;
using Strata.Tests.Warehouse.Snowflake;
using Strata.Warehouse;
using Strata.Warehouse.Snowflake;

namespace Strata.Tests.Infra.Snowflake;

/// <summary>
/// <c>strata infra</c> against a real account (<see cref="LiveAccount"/>): apply the defaults, plan again
/// empty, each part's role usable by the test's user, then drop everything it made. Every object carries a prefix of
/// its own (<c>STRATA_T&lt;hex&gt;_…</c>), so nothing else on the account is touched. The role in
/// <c>STRATA_SNOWFLAKE_ROLE</c> must create roles, compute warehouses, a database and a resource monitor and manage
/// grants: ACCOUNTADMIN (only it creates resource monitors).
/// </summary>
public sealed class SnowflakeInfraLiveTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);
    private readonly string _project = Directory.CreateTempSubdirectory("strata-infra-live-").FullName;
    private readonly string _prefix = $"STRATA_T{RandomNumberGenerator.GetHexString(8)}_";

    [SkippableFact]
    public async Task Apply_then_plan_again_is_empty_and_each_part_connects_with_its_role()
    {
        var account = LiveAccount.Require();
        File.WriteAllText(Path.Combine(_project, "infra.yml"), $"source:\n  manage: false\nsnowflake:\n  prefix: {_prefix}\n  use_part_roles: true\n");
        var config = Config(account);
        try
        {
            await using (var service = new InfraService(config, InfraFile.Load(_project), token => Warehouses.MigrateMetadataAsync(config, token), await SnowflakeInfraSession.OpenAsync(config)))
            {
                var plan = await service.PlanAsync(prune: false).WaitAsync(Deadline);
                Assert.Equal($"+ create database {Database}", plan.Changes[0].Line);
                await service.ApplyAsync(plan).WaitAsync(Deadline);

                Assert.Empty((await service.PlanAsync(prune: false).WaitAsync(Deadline)).Changes);
                Assert.Empty((await service.PlanAsync(prune: true).WaitAsync(Deadline)).Changes);
            }

            foreach (var part in WarehouseParts.Logins)
            {
                using var client = await SnowflakeWarehouseProvider.OpenAccountClientAsync(WarehouseLogins.For(config, part)).WaitAsync(Deadline);
                var row = (await client.ExecuteAsync("SELECT CURRENT_ROLE(), CURRENT_WAREHOUSE()", "live-test").WaitAsync(Deadline)).Rows.Single();
                Assert.Equal($"{_prefix}{part.ToUpperInvariant()}", row[0]);
                Assert.Equal($"{_prefix}{(part == WarehouseParts.Dashboard ? "REPORTS" : part.ToUpperInvariant())}_WH", row[1]);
            }

            // Reports reads what it shows of _STRATA, and no other part's records.
            using var reports = await SnowflakeWarehouseProvider.OpenAccountClientAsync(WarehouseLogins.For(config, WarehouseParts.Reports)).WaitAsync(Deadline);
            await reports.ExecuteAsync($"SELECT COUNT(*) FROM {Database}._STRATA.MODEL_ASOF", "live-test").WaitAsync(Deadline);
            await Assert.ThrowsAsync<WarehouseException>(() => reports.ExecuteAsync($"SELECT COUNT(*) FROM {Database}._STRATA.CHECKPOINTS", "live-test").WaitAsync(Deadline));
        }
        finally
        {
            await DropAsync(config);
        }
    }

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private string Database => _prefix.TrimEnd('_');

    /// <summary>Drops what the defaults under this prefix make; <c>IF EXISTS</c>, so a test that failed halfway leaves nothing either.</summary>
    private async Task DropAsync(StrataConfig config)
    {
        using var admin = await SnowflakeWarehouseProvider.OpenAccountClientAsync(config);
        string[] drops =
        [
            .. WarehouseParts.Logins.Select(part => $"DROP ROLE IF EXISTS {_prefix}{part.ToUpperInvariant()}"),
            .. new[] { "INGESTION", "TRANSFORMATION", "REPORTS" }.Select(part => $"DROP WAREHOUSE IF EXISTS {_prefix}{part}_WH"),
            $"DROP RESOURCE MONITOR IF EXISTS {_prefix}MONITOR",
            $"DROP DATABASE IF EXISTS {Database}",
        ];
        foreach (var drop in drops)
        {
            await admin.ExecuteAsync(drop, "live-test").WaitAsync(Deadline);
        }
    }

    private StrataConfig Config(LiveAccount account)
    {
        var environment = new Dictionary<string, string>();
        account.Configure(environment, Database);
        return ConfigLoader.Load(_project, environment, _project);
    }
}
