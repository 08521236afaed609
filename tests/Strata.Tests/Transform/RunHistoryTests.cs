using Strata.Transform.Execution;
using Strata.Transform.History;
using Strata.Warehouse.DuckDb;

namespace Strata.Tests.Transform;

/// <summary>
/// The readers of the transformation's history (<see cref="RunHistory"/>, <see cref="TestHistory"/>) read what
/// <see cref="TransformMetadata"/> wrote, in a real DuckDB file.
/// </summary>
public sealed class RunHistoryTests : IAsyncLifetime
{
    private static readonly DateTime First = new(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Second = First.AddMinutes(1);
    private static readonly DateTime Third = First.AddMinutes(2);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"strata-history-{Guid.NewGuid():N}.duckdb");
    private DuckDbWarehouse _warehouse = null!;

    public async Task InitializeAsync() => _warehouse = await DuckDbWarehouse.OpenAsync(_path);

    public async Task DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        File.Delete(_path);
        File.Delete(_path + ".wal");
    }

    [Fact]
    public async Task Before_anything_ran_every_read_is_empty()
    {
        Assert.Empty(await new RunHistory(_warehouse).RecentModelRunsAsync(10));
        Assert.Empty(await new RunHistory(_warehouse).LatestRunPerModelAsync());
        Assert.Empty(await new TestHistory(_warehouse).TestStreaksAsync(500));
        Assert.Empty(await new TestHistory(_warehouse).FailingInNewestRunAsync());
    }

    [Fact]
    public async Task After_two_runs_each_model_shows_its_latest_run_and_the_newest_come_first()
    {
        var metadata = await MetadataAsync();
        await metadata.RecordRunAsync("run-1", new ModelResult("orders", "table", "success", 10, First, TimeSpan.FromMilliseconds(120), null), default);
        await metadata.RecordRunAsync("run-1", new ModelResult("customers", "view", "error", null, First, TimeSpan.FromMilliseconds(5), "boom"), default);
        await metadata.RecordRunAsync("run-2", new ModelResult("orders", "table", "success", 12, Second, TimeSpan.FromMilliseconds(80), null), default);

        var runs = new RunHistory(_warehouse);
        var latest = await runs.LatestRunPerModelAsync();

        Assert.Equal(
            [
                new ModelRunRecord("run-1", "customers", "view", "error", null, First, 5, "boom"),
                new ModelRunRecord("run-2", "orders", "table", "success", 12, Second, 80, null),
            ],
            latest);
        Assert.All(latest, r => Assert.Equal(DateTimeKind.Utc, r.StartedAt.Kind));
        Assert.Equal(["run-2", "run-1"], (await runs.RecentModelRunsAsync(2)).Select(r => r.RunId));
        Assert.Equal([Second, First], (await runs.ModelRunsAsync("orders", 20)).Select(r => r.StartedAt));
    }

    [Fact]
    public async Task A_tests_streak_counts_the_runs_since_its_status_last_changed()
    {
        var metadata = await MetadataAsync();
        await RecordTestAsync(metadata, "run-1", "unique_orders_id", "error", "pass", 0, First);
        await RecordTestAsync(metadata, "run-2", "unique_orders_id", "error", "fail", 3, Second);
        await RecordTestAsync(metadata, "run-3", "unique_orders_id", "error", "fail", 4, Third);
        await RecordTestAsync(metadata, "run-1", "not_null_orders_total", "warn", "warn", 1, First);
        await RecordTestAsync(metadata, "run-2", "not_null_orders_total", "warn", "pass", 0, Second);

        var tests = new TestHistory(_warehouse);
        var streaks = await tests.TestStreaksAsync(500);

        Assert.Equal(
            [
                new TestStreak("not_null_orders_total", "orders", "warn", "pass", 0, null, null, Second, Second, 1),
                new TestStreak("unique_orders_id", "orders", "error", "fail", 4, "id=1", null, Third, Second, 2),
            ],
            streaks);
        // Read with a shorter limit, a streak counts as that many runs and begins at the oldest of them.
        var capped = (await tests.TestStreaksAsync(1)).Single(t => t.Test == "unique_orders_id");
        Assert.Equal((1, Third), (capped.Runs, capped.Since));
        // Only run-3 is the newest run: the warning of run-1 is not among its failures.
        Assert.Equal(["unique_orders_id"], (await tests.FailingInNewestRunAsync()).Select(t => t.Test));
        Assert.Equal([("not_null_orders_total", false), ("unique_orders_id", true)], (await tests.LatestResultPerTestAsync()).Select(t => (t.Test, t.Blocks)));
    }

    private async Task<TransformMetadata> MetadataAsync()
    {
        var metadata = new TransformMetadata(_warehouse);
        await metadata.EnsureAsync(default);
        return metadata;
    }

    private static Task RecordTestAsync(TransformMetadata metadata, string runId, string test, string severity, string status, long failures, DateTime at) =>
        metadata.RecordTestAsync(runId, new TestResult(test, "orders", severity, status, failures, failures > 0 ? "id=1" : null, at, TimeSpan.FromMilliseconds(7), null), default);
}
