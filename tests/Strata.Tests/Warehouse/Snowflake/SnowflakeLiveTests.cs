using Strata.Warehouse;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// Against a real account (<see cref="LiveAccount"/>; skipped, saying why, without one), each test in a database of its own, created and
/// dropped: what the fake server cannot show — that Snowflake accepts the JWT and the requests, runs the generated
/// SQL with the intended meaning, and commits a multi-statement transaction all or nothing.
/// </summary>
public sealed class SnowflakeLiveTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    [SkippableFact]
    public async Task Rows_of_every_type_written_in_one_transaction_read_back_equal()
    {
        await using var database = await LiveAccount.Require().CreateDatabaseAsync();
        await using var warehouse = database.OpenWarehouse();
        List<WarehouseColumn> columns =
        [
            new("id", WarehouseType.Int64), new("amount", new WarehouseType(WarehouseTypeKind.Decimal, 12, 2)), new("Mixed Case \"quoted\"", WarehouseType.Text),
            new("day", new WarehouseType(WarehouseTypeKind.Date)), new("at", WarehouseType.TimestampTz), new("raw", new WarehouseType(WarehouseTypeKind.Bytes)),
        ];
        var at = new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero);
        await warehouse.EnsureSchemaAsync("contract");
        await warehouse.CreateTableAsync("contract", "rows", columns, primaryKey: ["id"]);

        await using (var transaction = await warehouse.BeginAsync())
        {
            await using var append = await transaction.AppendAsync("contract", "rows", columns);
            append.Append([1L, 12.5m, "it's \\ here", new DateOnly(2026, 1, 2), at, new byte[] { 0xCA, 0xFE }]);
            append.Append([2L, null, null, null, null, null]);
            await append.CompleteAsync();
            await transaction.CommitAsync().WaitAsync(Deadline);
        }

        var rows = await warehouse.QueryAsync($"SELECT * FROM {warehouse.Qualify("contract", "rows")} ORDER BY id").WaitAsync(Deadline);
        Assert.Equal(columns.Select(c => c.Name), rows.Columns);
        Assert.Equal([1L, 12.5m, "it's \\ here", new DateOnly(2026, 1, 2), at.UtcDateTime, new byte[] { 0xCA, 0xFE }], rows[0]);
        Assert.All(rows[1].Skip(1), Assert.Null);
        Assert.Equal(columns, await warehouse.GetColumnsAsync("contract", "rows"));
    }

    [SkippableFact]
    public async Task A_multi_statement_transaction_that_fails_leaves_nothing_behind()
    {
        await using var database = await LiveAccount.Require().CreateDatabaseAsync();
        await using var warehouse = database.OpenWarehouse();
        await warehouse.EnsureSchemaAsync("contract");
        await warehouse.CreateTableAsync("contract", "t", [new("k", WarehouseType.Int64)]);

        await using (var transaction = await warehouse.BeginAsync())
        {
            await transaction.ExecuteAsync($"INSERT INTO {warehouse.Qualify("contract", "t")} VALUES (?)", [1L]);
            await transaction.ExecuteAsync("SELECT * FROM \"NO_SUCH_TABLE\"");
            await Assert.ThrowsAsync<WarehouseException>(() => transaction.CommitAsync().WaitAsync(Deadline));
        }

        Assert.Empty(await warehouse.QueryAsync($"SELECT * FROM {warehouse.Qualify("contract", "t")}"));
    }
}
