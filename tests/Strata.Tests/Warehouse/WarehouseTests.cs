using System.Globalization;
using Strata.Testing;
using Strata.Warehouse;
using Strata.Warehouse.DuckDb;
using Strata.Warehouse.Postgres;

namespace Strata.Tests.Warehouse;

/// <summary>The contract every warehouse adapter keeps; one subclass per engine.</summary>
public abstract class WarehouseTests : IAsyncLifetime
{
    private static readonly IReadOnlyList<WarehouseColumn> Columns =
    [
        new("id", WarehouseType.Int64),
        new("Name With Space", WarehouseType.Text),
        new("amount", new WarehouseType(WarehouseTypeKind.Decimal, 12, 2)),
        new("at", WarehouseType.TimestampTz),
        new("day", new WarehouseType(WarehouseTypeKind.Date)),
        new("ok", new WarehouseType(WarehouseTypeKind.Boolean)),
    ];

    protected IWarehouse Warehouse { get; private set; } = null!;

    protected abstract Task<IWarehouse> OpenAsync();

    public async Task InitializeAsync()
    {
        Warehouse = await OpenAsync();
        await Warehouse.EnsureSchemaAsync("contract");
        await Warehouse.ExecuteAsync($"DROP TABLE IF EXISTS {Warehouse.Qualify("contract", "things")}");
        await Warehouse.CreateTableAsync("contract", "things", Columns);
    }

    public async Task DisposeAsync() => await Warehouse.DisposeAsync();

    [Fact]
    public async Task Appends_commit_with_statements_in_one_transaction()
    {
        var at = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        await using (var transaction = await Warehouse.BeginAsync())
        {
            await using var appender = await transaction.AppendAsync("contract", "things", Columns);
            appender.Append(new object?[] { 1L, "it's \"quoted\"", 12.34m, at, new DateOnly(2026, 1, 2), true });
            appender.Append(new object?[] { 2L, null, null, null, null, null });
            await appender.CompleteAsync();
            await transaction.ExecuteAsync($"UPDATE {Warehouse.Qualify("contract", "things")} SET ok = false WHERE id = {Warehouse.Parameter(1)}", [2L]);
            await transaction.CommitAsync();
        }

        var rows = await Warehouse.QueryAsync($"SELECT id, {Warehouse.Quote("Name With Space")}, amount, {Warehouse.Quote("at")}, day, ok FROM {Warehouse.Qualify("contract", "things")} ORDER BY id");

        Assert.Equal(2, rows.Count);
        Assert.Equal(1L, Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture));
        Assert.Equal("it's \"quoted\"", rows[0][1]);
        Assert.Equal(12.34m, Convert.ToDecimal(rows[0][2], CultureInfo.InvariantCulture));
        Assert.Equal(at, ToUtc(rows[0][3]));
        Assert.Equal(false, rows[1][5]);
        Assert.Null(rows[1][1]);
    }

    [Fact]
    public async Task A_transaction_not_committed_leaves_nothing()
    {
        await using (var transaction = await Warehouse.BeginAsync())
        {
            await using var appender = await transaction.AppendAsync("contract", "things", Columns);
            appender.Append(new object?[] { 9L, "lost", 1m, null, null, null });
            await appender.CompleteAsync();
        }

        var rows = await Warehouse.QueryAsync($"SELECT count(*) FROM {Warehouse.Qualify("contract", "things")}");
        Assert.Equal(0L, Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Columns_can_be_read_and_added()
    {
        await Warehouse.AddColumnAsync("contract", "things", new WarehouseColumn("later", WarehouseType.Int32));

        var columns = await Warehouse.GetColumnsAsync("contract", "things");

        Assert.NotNull(columns);
        Assert.Equal(["id", "Name With Space", "amount", "at", "day", "ok", "later"], columns.Select(c => c.Name));
        Assert.Equal(WarehouseTypeKind.TimestampTz, columns[3].Type.Kind);
        Assert.Equal(WarehouseTypeKind.Int32, columns[6].Type.Kind);
        Assert.Null(await Warehouse.GetColumnsAsync("contract", "missing"));
    }

    [Fact]
    public async Task A_rejected_statement_is_a_warehouse_error_naming_the_engine()
    {
        var error = await Assert.ThrowsAsync<WarehouseException>(() => Warehouse.ExecuteAsync("SELECT * FROM contract.nowhere"));

        Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
    }

    private static DateTime ToUtc(object? value) => value switch
    {
        DateTimeOffset o => o.UtcDateTime,
        DateTime d => d.ToUniversalTime(),
        _ => throw new InvalidCastException(value?.GetType().Name),
    };
}

public sealed class DuckDbWarehouseTests : WarehouseTests, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"strata-contract-{Guid.NewGuid():N}.duckdb");

    protected override async Task<IWarehouse> OpenAsync() => await DuckDbWarehouse.OpenAsync(_path);

    public void Dispose()
    {
        File.Delete(_path);
        File.Delete(_path + ".wal");
    }

    [Fact]
    public async Task A_second_process_gets_a_clear_lock_error()
    {
        // DuckDB lets one process write a file; within a process a second open shares it, so use a child process.
        await Warehouse.QueryAsync("SELECT 1");
        using var project = TestProject.Empty();
        project.Environment["STRATA_WAREHOUSE_PATH"] = _path;
        project.Environment["STRATA_SOURCE_HOST"] = "127.0.0.1";
        project.Environment["STRATA_SOURCE_CDC_PASSWORD"] = "unused";
        project.Environment["STRATA_SOURCE_PORT"] = Strata.Source.Local.FreePort.Find().ToString(CultureInfo.InvariantCulture);
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var child = CliProcess.Start(project, lines, "ingest", "status");
        await child.WaitForExitAsync();

        Assert.Equal(1, child.ExitCode);
        Assert.Contains(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
    }
}

public sealed class PostgresWarehouseTests : WarehouseTests
{
    protected override async Task<IWarehouse> OpenAsync()
    {
        var server = await PostgresServer.GetAsync();
        await server.ExecuteAsync("SELECT 1");
        await using (var connection = await server.OpenAsync())
        {
            await using var command = new Npgsql.NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = 'contract_wh'", connection);
            if (await command.ExecuteScalarAsync() is null)
            {
                await server.ExecuteAsync("CREATE DATABASE contract_wh");
            }
        }

        return await PostgresWarehouse.OpenAsync(server.ConnectionString("contract_wh"));
    }
}
