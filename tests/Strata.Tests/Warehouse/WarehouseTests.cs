using System.Globalization;
using Strata.Testing;
using Strata.Warehouse;
using Strata.Warehouse.DuckDb;
using Strata.Warehouse.Metadata;
using Strata.Warehouse.Postgres;

namespace Strata.Tests.Warehouse;

/// <summary>
/// The contract every warehouse adapter keeps; one subclass per engine. Its facts are <c>[SkippableFact]</c> so that an
/// engine that may be missing here (Snowflake without an account) reports them skipped with the reason.
/// </summary>
public abstract partial class WarehouseTests : IAsyncLifetime
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

    protected IWarehouse Warehouse { get; set; } = null!;

    protected abstract Task<IWarehouse> OpenAsync();

    public virtual async Task InitializeAsync()
    {
        Warehouse = await OpenAsync();
        await Warehouse.EnsureSchemaAsync("contract");
        await Warehouse.ExecuteAsync($"DROP TABLE IF EXISTS {Warehouse.Qualify("contract", "things")}");
        await Warehouse.CreateTableAsync("contract", "things", Columns);
    }

    public virtual async Task DisposeAsync() => await Warehouse.DisposeAsync();

    [SkippableFact]
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

    [SkippableFact]
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

    [SkippableFact]
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

    [SkippableFact]
    public async Task A_rejected_statement_is_a_warehouse_error_naming_the_engine()
    {
        var error = await Assert.ThrowsAsync<WarehouseException>(() => Warehouse.ExecuteAsync("SELECT * FROM contract.nowhere"));

        // Snowflake names the relation as it stores it, NOWHERE.
        Assert.Contains("nowhere", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(WarehouseErrorKind.Rejected, error.Kind);
        Assert.False(Strata.Errors.TransientFailure.Is(error));
    }

    [SkippableFact]
    public async Task An_upsert_by_key_inserts_then_replaces_the_row()
    {
        await Warehouse.CreateTableAsync("contract", "keyed", [new("k", WarehouseType.Text), new("v", WarehouseType.Int64), new("note", WarehouseType.Text)], primaryKey: ["k"]);
        await Warehouse.ExecuteAsync($"DELETE FROM {Warehouse.Qualify("contract", "keyed")}");
        var upsert = Warehouse.UpsertSql("contract", "keyed", ["k", "v", "note"], ["k"]);

        await Warehouse.ExecuteAsync(upsert, ["a", 1L, "first"]);
        await Warehouse.ExecuteAsync(upsert, ["b", 2L, "other"]);
        await Warehouse.ExecuteAsync(upsert, ["a", 3L, "second"]);

        var rows = await Warehouse.QueryAsync($"SELECT k, v, note FROM {Warehouse.Qualify("contract", "keyed")} ORDER BY k");
        Assert.Equal(["a|3|second", "b|2|other"], rows.Select(r => string.Join('|', r.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))));
    }

    [SkippableFact]
    public async Task A_view_whose_columns_are_dropped_and_retyped_is_replaced_in_one_transaction()
    {
        await using (var create = await Warehouse.BeginAsync())
        {
            await Warehouse.ReplaceViewAsync(create, "contract", "shape", "SELECT 1 AS a, 'x' AS b, 2 AS c");
            await create.CommitAsync();
        }

        // b goes, c becomes text: PostgreSQL cannot do that with CREATE OR REPLACE VIEW.
        await using (var replace = await Warehouse.BeginAsync())
        {
            await Warehouse.ReplaceViewAsync(replace, "contract", "shape", "SELECT 1 AS a, CAST('two' AS " + Warehouse.TypeName(WarehouseType.Text) + ") AS c");
            await replace.CommitAsync();
        }

        Assert.Equal(["a", "c"], (await Warehouse.GetColumnsAsync("contract", "shape"))!.Select(c => c.Name));
        var row = Assert.Single(await Warehouse.QueryAsync($"SELECT c FROM {Warehouse.Qualify("contract", "shape")}"));
        Assert.Equal("two", row[0]);
    }

    [SkippableFact]
    public async Task The_dialect_s_expressions_give_the_same_answers_on_every_engine()
    {
        var sql = $"SELECT {Warehouse.DaysBetweenSql("'2026-01-01'", "'2026-03-01'")}, {Warehouse.HashTextSql("'abc'")}, " +
            $"{Warehouse.TypedParameter(1, new WarehouseType(WarehouseTypeKind.Decimal))} * 2, {Warehouse.TypedParameter(2, new WarehouseType(WarehouseTypeKind.Date))}";
        var row = Assert.Single(await Warehouse.QueryAsync(sql, [12.25m, new DateOnly(2026, 12, 1)]));

        Assert.Equal(59L, Convert.ToInt64(row[0], CultureInfo.InvariantCulture));
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", row[1]); // MD5 of "abc"
        Assert.Equal(24.5m, Convert.ToDecimal(row[2], CultureInfo.InvariantCulture));
        Assert.Equal(new DateTime(2026, 12, 1), row[3] switch { DateOnly d => d.ToDateTime(TimeOnly.MinValue), DateTime t => t, var other => throw new InvalidCastException(other?.GetType().Name) });
    }

    [SkippableFact]
    public async Task The_strata_schema_is_created_extended_with_new_columns_and_refused_when_a_newer_strata_wrote_it()
    {
        var version = Warehouse.Qualify(StrataSchema.Name, "schema_version");
        await Warehouse.EnsureSchemaAsync(StrataSchema.Name);
        await Warehouse.ExecuteAsync(Warehouse.DropRelationSql(StrataSchema.Name, StrataSchema.Runs.Name, isView: false));
        // What an older Strata left: the runs table without its last two columns.
        await Warehouse.CreateTableAsync(StrataSchema.Name, StrataSchema.Runs.Name, StrataSchema.Runs.Columns.Take(6).ToList());

        await StrataSchema.EnsureAsync(Warehouse);

        Assert.Equal(StrataSchema.Runs.Columns.Select(c => c.Name), (await Warehouse.GetColumnsAsync(StrataSchema.Name, StrataSchema.Runs.Name))!.Select(c => c.Name));
        Assert.All(StrataSchema.All, t => Assert.NotNull(Warehouse.GetColumnsAsync(StrataSchema.Name, t.Name).Result));
        Assert.Equal((long)StrataSchema.Version, Convert.ToInt64((await Warehouse.QueryAsync($"SELECT max(version) FROM {version}"))[0][0], CultureInfo.InvariantCulture));

        await Warehouse.ExecuteAsync($"INSERT INTO {version} (version, applied_at) VALUES (99, {Warehouse.Parameter(1)})", [DateTimeOffset.UtcNow]);
        try
        {
            await using var later = await OpenAsync();
            var error = await Assert.ThrowsAsync<WarehouseException>(() => StrataSchema.EnsureAsync(later));
            Assert.Contains("written by a newer Strata", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await Warehouse.ExecuteAsync($"DELETE FROM {version} WHERE version = 99");
        }
    }

    [SkippableFact]
    public async Task An_aggregate_of_integers_reads_back_as_a_number_not_text()
    {
        await Warehouse.ExecuteAsync(Warehouse.DropRelationSql("contract", "sums", isView: false));
        await Warehouse.ExecuteAsync($"CREATE TABLE {Warehouse.Qualify("contract", "sums")} AS SELECT sum(CAST(1 AS INTEGER)) AS small_sum, sum(CAST(1 AS BIGINT)) AS big_sum");

        var columns = (await Warehouse.GetColumnsAsync("contract", "sums"))!;
        Assert.All(columns, c => Assert.Contains(c.Type.Kind, new[] { WarehouseTypeKind.Int64, WarehouseTypeKind.Decimal }));
        Assert.All(columns, c => Assert.True(c.Type.Precision is null or <= 38, $"{c.Name}: precision {c.Type.Precision}"));
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
        // `strata build` opens the warehouse before anything else, so its first failure is the lock, not the source.
        await Warehouse.QueryAsync("SELECT 1");
        using var project = TestProject.Empty();
        project.Environment["STRATA_WAREHOUSE_PATH"] = _path;

        var held = await RunChildAsync(project, "build");
        await Warehouse.DisposeAsync();
        var released = await RunChildAsync(project, "build");

        Assert.Equal(1, held.ExitCode);
        var error = Assert.Single(held.Lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains($"the warehouse {_path} is in use by another process", error, StringComparison.Ordinal);
        Assert.DoesNotContain(held.Lines, l => l.Contains("DuckDBException", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal));
        // The control: with the file released the same command gets past the warehouse.
        Assert.DoesNotContain(released.Lines, l => l.Contains("in use by another process", StringComparison.Ordinal));
        Warehouse = await OpenAsync();
    }

    private static async Task<(int ExitCode, IReadOnlyList<string> Lines)> RunChildAsync(TestProject project, params string[] args)
    {
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var child = CliProcess.Start(project, lines, args);
        await child.WaitForExitAsync();
        return (child.ExitCode, lines.Where(l => l.Length > 0).ToList());
    }
}

public sealed class PostgresWarehouseTests : WarehouseTests
{
    [Theory]
    [InlineData("42P01", WarehouseErrorKind.Rejected, false)]
    [InlineData("40001", WarehouseErrorKind.Conflict, true)]
    [InlineData("40P01", WarehouseErrorKind.Conflict, true)]
    [InlineData("53300", WarehouseErrorKind.Transient, true)]
    [InlineData("57P03", WarehouseErrorKind.Transient, true)]
    [InlineData("42501", WarehouseErrorKind.Permission, false)]
    public async Task A_failure_has_the_kind_of_its_sqlstate_and_retries_only_what_may_pass(string sqlState, WarehouseErrorKind kind, bool transient)
    {
        // The server raises the very code, as it would for a serialization failure, a full server or a missing grant.
        var error = await Assert.ThrowsAsync<WarehouseException>(() =>
            Warehouse.ExecuteAsync($"DO $$ BEGIN RAISE EXCEPTION 'raised for the test' USING ERRCODE = '{sqlState}'; END $$"));

        Assert.Equal((kind, sqlState, transient), (error.Kind, error.SqlState, Strata.Errors.TransientFailure.Is(error)));
    }

    [Fact]
    public async Task A_connection_the_server_ends_is_a_warehouse_error_worth_another_attempt()
    {
        await using var transaction = await Warehouse.BeginAsync();
        var error = await Assert.ThrowsAsync<WarehouseException>(() => transaction.QueryAsync("SELECT pg_terminate_backend(pg_backend_pid())"));

        Assert.True(Strata.Errors.TransientFailure.Is(error), $"{error.Kind} {error.SqlState}: {error.Message}");
        Assert.Contains(error.Kind, new[] { WarehouseErrorKind.Transient, WarehouseErrorKind.Unreachable });
    }

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
