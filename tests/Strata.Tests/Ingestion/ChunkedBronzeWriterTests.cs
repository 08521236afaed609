using System.Globalization;
using Strata.Ingestion;
using Strata.Ingestion.Bronze;
using Strata.Ingestion.Catalog;
using Strata.Output;
using Strata.Warehouse;
using Strata.Warehouse.DuckDb;

namespace Strata.Tests.Ingestion;

/// <summary>
/// The bronze writer on a bounded DuckDB (<see cref="BoundedWarehouse"/>), fed the same batch again after a crash
/// between its transactions, as the stream does after a restart: each change lands once, in bronze or, for a table a
/// failing change quarantined in the first attempt, in the dead-letter table. The expected rows follow from the
/// batch itself.
/// </summary>
public sealed class ChunkedBronzeWriterTests : IAsyncLifetime
{
    private const ulong Checkpoint = 300;
    private static readonly DateTime At = new(2026, 12, 1, 8, 30, 0, DateTimeKind.Utc);
    private static readonly SourceTable Orders = Table("orders");
    private static readonly SourceTable Items = Table("items");
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"strata-chunked-writer-{Guid.NewGuid():N}.duckdb");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var file in new[] { _path, _path + ".wal", _path + ".rehearsal", _path + ".rehearsal.wal" })
        {
            File.Delete(file);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_batch_written_again_after_a_crash_between_its_transactions_lands_each_change_once()
    {
        // Three source transactions (LSN 100, 200, 300) in two tables; an item of the second fails to convert, which
        // holds that transaction's items and every later one in the dead-letter table.
        var batch = new ulong[] { 100, 200, 300 }.SelectMany(lsn => Enumerable.Range(0, 120).Select(i => Change(i % 3 == 0 ? Items : Orders, lsn, i))).ToList();
        var failing = batch.FindIndex(c => c.Table == Items && c.Lsn == 200 && c.Sequence > 30);
        batch[failing] = batch[failing] with { Error = "value out of range" };

        // The crash comes after the first transaction with held changes committed (found by writing the batch once elsewhere).
        var rehearsal = new BoundedWarehouse.Run(Bound: 8 * 1024, CrashAtPartialCommit: 0);
        await WriteAsync(rehearsal, batch, _path + ".rehearsal");
        var firstHeld = rehearsal.Commits.ToList().FindIndex(c => c.StrataRows > 0);
        Assert.True(firstHeld >= 0 && !rehearsal.Commits.ElementAt(firstHeld).Checkpoint, "no transaction before the last holds dead-letter rows");
        var crashed = new BoundedWarehouse.Run(Bound: 8 * 1024, CrashAtPartialCommit: firstHeld + 2);
        var crash = await Assert.ThrowsAsync<InvalidOperationException>(() => WriteAsync(crashed, batch, _path));
        Assert.Contains("injected crash", crash.Message, StringComparison.Ordinal);
        var partial = await CountAsync("SELECT count(*) FROM bronze.operations__orders") + await CountAsync("SELECT count(*) FROM bronze.operations__items");
        Assert.True(partial > 0, "nothing was committed before the crash");
        Assert.True(await CountAsync("SELECT count(*) FROM _strata.quarantine") > 0, "no held change was committed before the crash");
        Assert.Null(await CheckpointAsync());

        var restart = new BoundedWarehouse.Run(Bound: 8 * 1024, CrashAtPartialCommit: 0);
        var written = await WriteAsync(restart, batch, _path);

        Assert.True(restart.Commits.Count > 1, "the batch was not split");
        Assert.Equal([.. Enumerable.Repeat(false, restart.Commits.Count - 1), true], restart.Commits.Select(c => c.Checkpoint));
        Assert.Equal(Checkpoint, await CheckpointAsync());
        var landed = batch.Where(c => c.Table == Orders || c.Lsn < 200).ToList();
        var held = batch.Except(landed).ToList();
        Assert.Equal(Keys(landed.Where(c => c.Table == Orders)), await KeysAsync("SELECT _lsn, _seq FROM bronze.operations__orders"));
        Assert.Equal(Keys(landed.Where(c => c.Table == Items)), await KeysAsync("SELECT _lsn, _seq FROM bronze.operations__items"));
        Assert.Equal(Keys(held), await KeysAsync("SELECT _lsn, _seq FROM _strata.quarantine"));
        Assert.True(written < landed.Count, $"the restart wrote {written} changes, the whole batch again");
    }

    private static async Task<long> WriteAsync(BoundedWarehouse.Run run, IReadOnlyList<Change> batch, string path)
    {
        await using var warehouse = run.Open(await DuckDbWarehouse.OpenAsync(path));
        await MetadataTables.EnsureAsync(warehouse, CancellationToken.None);
        var writer = await BronzeWriter.OpenAsync(warehouse, "finance", "strata_finance", new NullConsole(), CancellationToken.None);
        await writer.EnsureTableAsync(Orders, followSource: true, CancellationToken.None);
        await writer.EnsureTableAsync(Items, followSource: true, CancellationToken.None);
        // In parts, as a spilled transaction is read back, its failing changes known up front.
        return await writer.WriteAsync(batch.Chunk(50).Select(p => (IReadOnlyList<Change>)p), Checkpoint, CancellationToken.None, batch.Where(c => c.Error is not null));
    }

    private static SourceTable Table(string name) => new("operations", name,
    [
        new("id", "bigint", WarehouseType.Int64, false, true),
        new("note", "text", WarehouseType.Text, false, false),
    ]);

    private static Change Change(SourceTable table, ulong lsn, int sequence) =>
        new(table, 'u', new Dictionary<string, object?> { ["id"] = (long)sequence, ["note"] = $"{table.Name} {sequence} at {lsn} " + new string('n', 60) }, lsn, sequence, (long)lsn, At);

    private static List<string> Keys(IEnumerable<Change> changes) => changes.Select(c => $"{c.Lsn}/{c.Sequence}").Order(StringComparer.Ordinal).ToList();

    private async Task<List<string>> KeysAsync(string sql)
    {
        await using var warehouse = await DuckDbWarehouse.OpenAsync(_path);
        return (await warehouse.QueryAsync(sql)).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r[0]}/{r[1]}")).Order(StringComparer.Ordinal).ToList();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var warehouse = await DuckDbWarehouse.OpenAsync(_path);
        return Convert.ToInt64((await warehouse.QueryAsync(sql))[0][0], CultureInfo.InvariantCulture);
    }

    private async Task<ulong?> CheckpointAsync()
    {
        await using var warehouse = await DuckDbWarehouse.OpenAsync(_path);
        var rows = await warehouse.QueryAsync("SELECT confirmed_lsn FROM _strata.checkpoints");
        return rows.Count == 0 ? null : (ulong)Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture);
    }
}
