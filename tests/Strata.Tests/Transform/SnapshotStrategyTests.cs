using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Strata.Output;
using Strata.Testing;
using Strata.Transform;
using Strata.Transform.Execution;
using Strata.Warehouse;
using Strata.Warehouse.DuckDb;
using Strata.Warehouse.Postgres;

namespace Strata.Tests.Transform;

/// <summary>
/// dbt snapshots of a plain table (not a Strata changelog) keep the history dbt's strategies make of it, run after
/// run, on every engine: each snapshot table is compared whole with what <see cref="SnapshotOracle"/> works out.
/// </summary>
public abstract class SnapshotStrategyTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTime Start = new(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);

    /// <summary>Each snapshot of the project and the oracle of its configs.</summary>
    private static readonly (string Name, string Config, string From, Func<SnapshotOracle> Oracle)[] Snapshots =
    [
        ("ts_ignore", "strategy='timestamp', updated_at='updated_at', unique_key='id'", "source('raw', 'things')",
            () => new SnapshotOracle("timestamp", false, "ignore")),
        ("ts_invalidate", "strategy='timestamp', updated_at='updated_at', unique_key='id', hard_deletes='invalidate'", "source('raw', 'things')",
            () => new SnapshotOracle("timestamp", false, "invalidate")),
        ("ts_new_record", "strategy='timestamp', updated_at='updated_at', unique_key='id', hard_deletes='new_record'", "source('raw', 'things')",
            () => new SnapshotOracle("timestamp", false, "new_record")),
        ("check_all_new_record", "strategy='check', check_cols='all', unique_key=['region', 'id'], hard_deletes='new_record'", "ref('stg_things')",
            () => new SnapshotOracle("check", false, "new_record")),
        ("check_name_invalidate", "strategy='check', check_cols=['name'], unique_key='id', invalidate_hard_deletes=true, dbt_valid_to_current=\"'9999-12-31'\"", "source('raw', 'things')",
            () => new SnapshotOracle("check", true, "invalidate", new DateTime(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc))),
    ];

    private readonly TestProject _project = TestProject.Empty();
    private readonly FakeTimeProvider _clock = new(Start);

    protected IWarehouse Warehouse { get; private set; } = null!;

    /// <summary>A folder of the test's own, removed after it.</summary>
    protected string Folder => _project.Directory;

    protected abstract Task<IWarehouse> OpenAsync();

    public async Task InitializeAsync()
    {
        Warehouse = await OpenAsync();
        await Warehouse.EnsureSchemaAsync("raw");
        await Warehouse.CreateTableAsync("raw", "things",
            [new("region", WarehouseType.Text), new("id", WarehouseType.Int64), new("name", WarehouseType.Text), new("size", WarehouseType.Int64), new("updated_at", WarehouseType.TimestampTz)]);
        var files = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\n",
            ["models/sources.yml"] = "version: 2\nsources:\n  - name: raw\n    tables: [{name: things}]\n",
            ["models/stg_things.sql"] = "select * from {{ source('raw', 'things') }}",
        };
        foreach (var (name, config, from, _) in Snapshots)
        {
            files[$"snapshots/{name}.sql"] = $"{{% snapshot {name} %}}\n{{{{ config(target_schema='snapshots', {config}) }}}}\nselect * from {{{{ {from} }}}}\n{{% endsnapshot %}}\n";
        }

        TransformProjects.Write(_project.Directory, files);
    }

    public async Task DisposeAsync() => await Warehouse.DisposeAsync();

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task Every_strategy_and_hard_deletes_mode_keeps_the_history_dbt_would_make_run_after_run()
    {
        var transform = await TransformService.OpenAsync(_project.Directory, Warehouse, Path.Combine(_project.Directory, "target"), NullConsole.Instance, _clock);
        var oracles = Snapshots.ToDictionary(s => s.Name, s => s.Oracle());
        var rows = Enumerable.Range(1, 5).Select(i => new Thing(i % 2 == 0 ? "us" : "eu", i, $"n{i}", 10 * i, Start.AddHours(-1).AddMinutes(i))).ToList();
        var rounds = new List<Func<List<Thing>, List<Thing>>>
        {
            // Run 1: the first version of every row.
            now => now,
            // Run 2: 1 renamed with a newer updated_at; 2 resized with the same updated_at (timestamp and check on name
            // do not see it, check on all does); 3 deleted; 5's name to NULL; 6 new.
            now => [.. now.Where(r => r.Id != 3).Select(r => r.Id switch
            {
                1 => r with { Name = "n1 renamed", UpdatedAt = Start.AddMinutes(30) },
                2 => r with { Size = 99 },
                5 => r with { Name = null, UpdatedAt = Start.AddMinutes(31) },
                _ => r,
            }), new Thing("us", 6, "n6", 60, Start.AddMinutes(32))],
            // Run 3: 3 comes back; 4 deleted; 2 renamed with a newer updated_at; 5 the same (a NULL equals a NULL).
            now => [.. now.Where(r => r.Id != 4).Select(r => r.Id == 2 ? r with { Name = "n2 renamed", UpdatedAt = Start.AddHours(1).AddMinutes(30) } : r),
                new Thing("eu", 3, "n3 back", 33, Start.AddHours(1).AddMinutes(31))],
            // Run 4: nothing changes; a deleted key stays deleted once.
            now => now,
        };

        var run = 0;
        foreach (var round in rounds)
        {
            rows = round(rows);
            await ReplaceThingsAsync(rows);
            var runTime = Start.AddHours(run++);
            _clock.SetUtcNow(runTime);
            var summary = await transform.BuildAsync(new RunOptions());

            Assert.True(summary.Succeeded, string.Join("; ", summary.Models.Select(m => m.Error).OfType<string>()));
            foreach (var (name, oracle) in oracles)
            {
                oracle.Run(rows, runTime);
                Assert.Equal(oracle.Expected(), await SnapshotRowsAsync(name));
            }
        }

        // One current row per live key in each snapshot; a deleted key has none (invalidate), its deletion record
        // (new_record) or its last version (ignore).
        foreach (var (name, _, _, _) in Snapshots)
        {
            var current = await SnapshotRowsAsync(name, current: true);
            Assert.Equal(current.Count, current.Distinct().Count());
            var live = rows.Select(r => r.Id).ToList();
            Assert.All(live, id => Assert.Single(current, c => c.Split('|')[1] == id.ToString(CultureInfo.InvariantCulture) && !c.EndsWith("|True", StringComparison.Ordinal)));
            var deleted = current.Where(c => !live.Contains(long.Parse(c.Split('|')[1], CultureInfo.InvariantCulture))).ToList();
            string[] stillCurrent = name.EndsWith("invalidate", StringComparison.Ordinal) ? [] : ["4"];
            Assert.Equal(stillCurrent, deleted.Select(c => c.Split('|')[1]));
        }

        // dbt_scd_id: an MD5 per version, none repeated.
        var ids = await Warehouse.QueryAsync($"SELECT dbt_scd_id FROM {Warehouse.Qualify("snapshots", "ts_new_record")}");
        Assert.All(ids, r => Assert.Matches("^[0-9a-f]{32}$", (string)r[0]!));
        Assert.Equal(ids.Count, ids.Select(r => r[0]).Distinct().Count());

        // --full-refresh does not rebuild a snapshot: its history cannot be recomputed from the select.
        _clock.SetUtcNow(Start.AddHours(run));
        Assert.True((await transform.BuildAsync(new RunOptions { FullRefresh = true })).Succeeded);
        foreach (var (name, oracle) in oracles)
        {
            Assert.Equal(oracle.Expected(), await SnapshotRowsAsync(name));
        }
    }

    [Fact]
    public async Task A_select_with_two_rows_for_one_key_is_refused_and_nothing_is_written()
    {
        var transform = await TransformService.OpenAsync(_project.Directory, Warehouse, Path.Combine(_project.Directory, "target"), NullConsole.Instance, _clock);
        var rows = new List<Thing> { new("eu", 1, "a", 1, Start.AddHours(-1)), new("us", 2, "b", 2, Start.AddHours(-1)) };
        await ReplaceThingsAsync(rows);
        Assert.True((await transform.BuildAsync(new RunOptions { Select = ["ts_ignore"] })).Succeeded);
        var before = await SnapshotRowsAsync("ts_ignore");

        await ReplaceThingsAsync([.. rows.Select(r => r with { UpdatedAt = Start }), new("eu", 1, "a twin", 1, Start)]);
        _clock.SetUtcNow(Start.AddHours(1));
        var refused = await transform.BuildAsync(new RunOptions { Select = ["ts_ignore"] });

        var error = Assert.Single(refused.Models, m => m.Status == "error").Error!;
        Assert.DoesNotContain('\n', error);
        Assert.StartsWith("snapshots/ts_ignore.sql:1: snapshot ts_ignore selects 2 rows for id=1; each would become a current version, so nothing is written", error, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotRowsAsync("ts_ignore"));

        // A NULL key matches no version: refused as well.
        await ReplaceThingsAsync([.. rows.Select(r => r with { UpdatedAt = Start }), new("eu", 0, "no key", 1, Start)]);
        await Warehouse.ExecuteAsync($"UPDATE {Warehouse.Qualify("raw", "things")} SET id = NULL WHERE id = 0");
        var nullKey = await transform.BuildAsync(new RunOptions { Select = ["ts_ignore"] });
        Assert.StartsWith("snapshots/ts_ignore.sql:1: snapshot ts_ignore selects a row whose unique_key (id) is NULL", Assert.Single(nullKey.Models, m => m.Status == "error").Error!, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotRowsAsync("ts_ignore"));
    }

    [Fact]
    public async Task A_key_that_already_has_two_current_rows_rolls_the_run_back()
    {
        var transform = await TransformService.OpenAsync(_project.Directory, Warehouse, Path.Combine(_project.Directory, "target"), NullConsole.Instance, _clock);
        await ReplaceThingsAsync([new("eu", 1, "a", 1, Start.AddHours(-1)), new("us", 2, "b", 2, Start.AddHours(-1))]);
        Assert.True((await transform.BuildAsync(new RunOptions { Select = ["ts_ignore"] })).Succeeded);
        // As dbt can leave a snapshot (dbt-adapters #1759): a second current row for key 1.
        var snapshot = Warehouse.Qualify("snapshots", "ts_ignore");
        await Warehouse.ExecuteAsync($"INSERT INTO {snapshot} SELECT * FROM {snapshot} WHERE id = 1");
        var before = await SnapshotRowsAsync("ts_ignore");

        await ReplaceThingsAsync([new("eu", 1, "a2", 1, Start), new("us", 2, "b", 2, Start.AddHours(-1))]);
        var refused = await transform.BuildAsync(new RunOptions { Select = ["ts_ignore"] });

        var error = Assert.Single(refused.Models, m => m.Status == "error").Error!;
        Assert.Contains("snapshots/ts_ignore.sql:1: snapshot ts_ignore would hold two current rows for id=1; the build is rolled back", error, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotRowsAsync("ts_ignore"));
    }

    private async Task ReplaceThingsAsync(IReadOnlyList<Thing> rows)
    {
        var table = Warehouse.Qualify("raw", "things");
        await using var transaction = await Warehouse.BeginAsync();
        await transaction.ExecuteAsync($"DELETE FROM {table}");
        foreach (var row in rows)
        {
            await transaction.ExecuteAsync(
                $"INSERT INTO {table} VALUES ({string.Join(", ", Enumerable.Range(1, 5).Select(Warehouse.Parameter))})",
                [row.Region, row.Id, row.Name, row.Size, row.UpdatedAt]);
        }

        await transaction.CommitAsync();
    }

    /// <summary>The snapshot's rows as <see cref="SnapshotOracle.Text"/> writes them, sorted; only current ones when <paramref name="current"/>.</summary>
    private async Task<List<string>> SnapshotRowsAsync(string name, bool current = false)
    {
        var newRecord = name.EndsWith("new_record", StringComparison.Ordinal);
        var rows = await Warehouse.QueryAsync(
            $"SELECT region, id, name, size, updated_at, dbt_updated_at, dbt_valid_from, dbt_valid_to{(newRecord ? ", dbt_is_deleted" : "")} " +
            $"FROM {Warehouse.Qualify("snapshots", name)}{(current ? " WHERE dbt_valid_to IS NULL OR dbt_valid_to >= '9999-01-01'" : "")}");
        return rows.Select(r => SnapshotOracle.Text(
                new Thing((string)r[0]!, Convert.ToInt64(r[1], CultureInfo.InvariantCulture), r[2] as string, Convert.ToInt64(r[3], CultureInfo.InvariantCulture), Utc(r[4])),
                Utc(r[5]), Utc(r[6]), r[7] is null ? null : Utc(r[7]), newRecord ? (string)r[8]! == "True" : null))
            .Order(StringComparer.Ordinal).ToList();
    }

    private static DateTime Utc(object? value) => value switch
    {
        DateTimeOffset o => o.UtcDateTime,
        DateTime { Kind: DateTimeKind.Unspecified } d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
        DateTime d => d.ToUniversalTime(),
        _ => throw new InvalidCastException(value?.GetType().Name),
    };
}

public sealed class DuckDbSnapshotStrategyTests : SnapshotStrategyTests
{
    protected override async Task<IWarehouse> OpenAsync() => await DuckDbWarehouse.OpenAsync(Path.Combine(Folder, "warehouse.duckdb"));
}

public sealed class PostgresSnapshotStrategyTests : SnapshotStrategyTests
{
    protected override async Task<IWarehouse> OpenAsync()
    {
        var server = await PostgresServer.GetAsync();
        var database = $"snapshots_{Guid.NewGuid():N}"[..24];
        await server.ExecuteAsync($"CREATE DATABASE {database}");
        return await PostgresWarehouse.OpenAsync(server.ConnectionString(database));
    }
}
