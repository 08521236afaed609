using System.Globalization;
using Strata.Warehouse;
using Strata.Warehouse.Changelog;

namespace Strata.Tests.Warehouse;

/// <summary>The contract's dialect generators and capability flags: each statement the adapter writes runs and does what it says, and each flag is true to the engine.</summary>
public abstract partial class WarehouseTests
{
    [SkippableFact]
    public async Task Merge_delete_matching_and_update_from_change_exactly_the_matching_rows()
    {
        var target = await KeyedTableAsync("merge_target", ("a", 1, "old"), ("b", 2, "old"), ("c", 3, "old"));
        var source = await KeyedTableAsync("merge_source", ("b", 20, "new"), ("d", 40, "new"));

        await Warehouse.ExecuteAsync(Warehouse.MergeSql(target, source, ["k"], ["k", "v", "note"]));
        Assert.Equal(["a|1|old", "b|20|new", "c|3|old", "d|40|new"], await RowsAsync(target));

        await Warehouse.ExecuteAsync(Warehouse.UpdateFromSql(target, $"(SELECT k, v * 10 AS v10 FROM {source})", ["k"], "v = s.v10, note = 'updated'", "t.v > 30"));
        Assert.Equal(["a|1|old", "b|20|new", "c|3|old", "d|400|updated"], await RowsAsync(target));

        await Warehouse.ExecuteAsync(Warehouse.DeleteMatchingSql(target, source, ["k"]));
        Assert.Equal(["a|1|old", "c|3|old"], await RowsAsync(target));
    }

    [SkippableFact]
    public async Task The_state_built_from_a_changelog_follows_its_last_reset_and_latest_versions()
    {
        var changes = Warehouse.Qualify("contract", "changelog");
        await Warehouse.ExecuteAsync(Warehouse.DropRelationSql("contract", "changelog", isView: false));
        await Warehouse.CreateTableAsync("contract", "changelog",
            [new("_op", WarehouseType.Text), new("_lsn", WarehouseType.Int64), new("_seq", WarehouseType.Int64), new("_commit_ts", WarehouseType.TimestampTz), new("k", WarehouseType.Int64), new("v", WarehouseType.Text)]);
        var t0 = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        (string Op, long Lsn, long Seq, long? K, string? V)[] log =
        [
            ("c", 10, 0, 1, "gone by the truncate"),
            ("t", 20, 0, null, null),
            ("r", 30, 0, 1, "one"), ("r", 30, 1, 2, "two"), ("r", 30, 2, 3, "three"),
            ("u", 40, 0, 1, "one again"), ("d", 40, 1, 2, null), ("c", 50, 0, 4, "four"), ("u", 50, 1, 4, "four again"),
        ];
        foreach (var (op, lsn, seq, k, v) in log)
        {
            await Warehouse.ExecuteAsync(
                $"INSERT INTO {changes} (_op, _lsn, _seq, _commit_ts, k, v) VALUES ({Warehouse.Parameter(1)}, {Warehouse.Parameter(2)}, {Warehouse.Parameter(3)}, {Warehouse.Parameter(4)}, {Warehouse.Parameter(5)}, {Warehouse.Parameter(6)})",
                [op, lsn, seq, t0.AddSeconds(lsn), k, v]);
        }

        var resets = ChangelogState.Resets(await Warehouse.QueryAsync(ChangelogState.ResetsSql(changes)));
        Assert.Equal([new ChangelogPosition(20, 0), new ChangelogPosition(30, -1)], resets.Select(r => r.Position));
        Assert.Equal(t0.AddSeconds(30).UtcDateTime, resets[^1].CommitTime.ToUniversalTime());

        var state = await Warehouse.QueryAsync(
            $"SELECT k, v FROM ({ChangelogState.LatestVersionsSql(Warehouse, changes, ["k"], resets[^1].Position)}) AS latest WHERE _op <> 'd' ORDER BY k");
        Assert.Equal(["1|one again", "3|three", "4|four again"], state.Select(Row));

        // As of LSN 40, before the last transaction: an upper bound on the changelog is the state at that point.
        var asOf40 = $"(SELECT * FROM {changes} WHERE {ChangelogState.UpTo(40)})";
        var earlier = await Warehouse.QueryAsync($"SELECT k, v FROM ({ChangelogState.LatestVersionsSql(Warehouse, asOf40, ["k"], resets[^1].Position)}) AS latest WHERE _op <> 'd' ORDER BY k");
        Assert.Equal(["1|one again", "3|three"], earlier.Select(Row));
        var versions = await Warehouse.QueryAsync($"SELECT count(*) FROM ({ChangelogState.VersionsSinceSql(changes, resets[0].Position)}) AS v");
        Assert.Equal(7L, Convert.ToInt64(versions[0][0], CultureInfo.InvariantCulture));
    }

    [SkippableFact]
    public async Task Every_type_name_reads_back_as_the_kind_it_was_written_as()
    {
        var kinds = Enum.GetValues<WarehouseTypeKind>();
        var columns = kinds.Select(k => new WarehouseColumn("c_" + k.ToString().ToLowerInvariant(), k == WarehouseTypeKind.Decimal ? new WarehouseType(k, 18, 4) : new WarehouseType(k))).ToList();
        await Warehouse.ExecuteAsync(Warehouse.DropRelationSql("contract", "typed", isView: false));
        await Warehouse.CreateTableAsync("contract", "typed", columns);

        var read = (await Warehouse.GetColumnsAsync("contract", "typed"))!;

        foreach (var (written, back) in columns.Zip(read))
        {
            // An engine without a JSON type keeps JSON as text, one without a 32-bit float (Snowflake) a 64-bit one; every
            // other kind comes back as itself.
            Assert.True(back.Type.Kind == written.Type.Kind || (written.Type.Kind, back.Type.Kind) is (WarehouseTypeKind.Json, WarehouseTypeKind.Text) or (WarehouseTypeKind.Float32, WarehouseTypeKind.Float64),
                $"{written.Name}: wrote {Warehouse.TypeName(written.Type)}, read {back.Type.Kind}");
        }

        Assert.Equal((18, 4), (read[Array.IndexOf(kinds, WarehouseTypeKind.Decimal)].Type.Precision, read[Array.IndexOf(kinds, WarehouseTypeKind.Decimal)].Type.Scale));
    }

    [SkippableFact]
    public async Task A_relation_is_told_apart_as_a_table_a_view_or_nothing()
    {
        var table = await KeyedTableAsync("a_table");
        await using (var transaction = await Warehouse.BeginAsync())
        {
            await Warehouse.ReplaceViewAsync(transaction, "contract", "a_view", $"SELECT k FROM {table}");
            await transaction.CommitAsync();
        }

        Assert.Equal(
            [RelationKind.Table, RelationKind.View, RelationKind.None],
            [await Warehouse.RelationKindAsync("contract", "a_table"), await Warehouse.RelationKindAsync("contract", "a_view"), await Warehouse.RelationKindAsync("contract", "nothing")]);
    }

    [SkippableFact]
    public async Task A_timestamp_literal_is_the_instant_in_utc_as_each_type_holds_it()
    {
        var instant = new DateTimeOffset(2026, 12, 1, 20, 15, 30, 123, TimeSpan.FromHours(2)).AddTicks(4560);

        var row = (await Warehouse.QueryAsync(
            $"SELECT {Warehouse.TimestampSql(instant, WarehouseType.TimestampTz)}, {Warehouse.TimestampSql(instant, new WarehouseType(WarehouseTypeKind.Timestamp))}, " +
            $"{Warehouse.TimestampSql(instant, new WarehouseType(WarehouseTypeKind.Date))}"))[0];

        Assert.Equal(instant.UtcDateTime, ToUtc(row[0]));
        Assert.Equal(instant.UtcDateTime, DateTime.SpecifyKind((DateTime)row[1]!, DateTimeKind.Utc));
        Assert.Equal(new DateOnly(2026, 12, 1), row[2] is DateOnly day ? day : DateOnly.FromDateTime((DateTime)row[2]!));
    }

    [SkippableFact]
    public async Task Identifiers_keep_their_case_and_quotes()
    {
        const string Odd = "Mixed Case \"quoted\"";
        await Warehouse.ExecuteAsync(Warehouse.DropRelationSql("contract", Odd, isView: false));
        await Warehouse.CreateTableAsync("contract", Odd, [new(Odd, WarehouseType.Text), new("lower", WarehouseType.Text)]);
        await Warehouse.ExecuteAsync($"INSERT INTO {Warehouse.Qualify("contract", Odd)} ({Warehouse.Quote(Odd)}, {Warehouse.Quote("lower")}) VALUES ('x', 'y')");

        Assert.Equal([Odd, "lower"], (await Warehouse.GetColumnsAsync("contract", Odd))!.Select(c => c.Name));
        Assert.Equal(["x|y"], (await Warehouse.QueryAsync($"SELECT {Warehouse.Quote(Odd)}, {Warehouse.Quote("lower")} FROM {Warehouse.Qualify("contract", Odd)}")).Select(Row));
    }

    [SkippableFact]
    public async Task The_capability_flags_are_true_to_the_engine()
    {
        var capabilities = Warehouse.Capabilities;

        // Transactional DDL: a table created in a transaction that rolls back is gone. Without it (Snowflake) a rollback
        // shows nothing: that adapter sends a transaction only at its commit, and refuses DDL among other statements.
        await Warehouse.ExecuteAsync(Warehouse.DropRelationSql("contract", "ddl_rollback", isView: false));
        await using (var transaction = await Warehouse.BeginAsync())
        {
            await transaction.ExecuteAsync($"CREATE TABLE {Warehouse.Qualify("contract", "ddl_rollback")} (x INTEGER)");
        }

        if (capabilities.TransactionalDdl)
        {
            Assert.Null(await Warehouse.GetColumnsAsync("contract", "ddl_rollback"));
        }

        // Enforced keys: a second row with the same key is refused.
        var keyed = await KeyedTableAsync("enforced", ("a", 1, "first"));
        var duplicate = await Record.ExceptionAsync(() => Warehouse.ExecuteAsync($"INSERT INTO {keyed} (k, v, note) VALUES ('a', 2, 'second')"));
        Assert.Equal(capabilities.EnforcedKeys, duplicate is WarehouseException { Kind: WarehouseErrorKind.Conflict or WarehouseErrorKind.Rejected });

        // Parallel writers: a second transaction starts while the first is open, else it waits for it.
        var first = await Warehouse.BeginAsync();
        var second = Warehouse.BeginAsync();
        if (capabilities.ParallelWriters)
        {
            await (await second.WaitAsync(TimeSpan.FromSeconds(30))).DisposeAsync();
            await first.DisposeAsync();
        }
        else
        {
            Assert.False(second.IsCompleted);
            await first.DisposeAsync();
            await (await second.WaitAsync(TimeSpan.FromSeconds(30))).DisposeAsync();
        }

        // The largest decimal precision holds a value of that many digits exactly.
        var digits = capabilities.MaxDecimalPrecision ?? 60;
        var decimalType = Warehouse.TypeName(new WarehouseType(WarehouseTypeKind.Decimal, digits, 0));
        var nines = new string('9', digits);
        var back = await Warehouse.QueryAsync($"SELECT CAST(CAST('{nines}' AS {decimalType}) AS {Warehouse.TypeName(WarehouseType.Text)})");
        Assert.Equal(nines, back[0][0]);
    }

    private async Task<string> KeyedTableAsync(string name, params (string K, long V, string Note)[] rows)
    {
        await Warehouse.ExecuteAsync(Warehouse.DropRelationSql("contract", name, isView: false));
        await Warehouse.CreateTableAsync("contract", name, [new("k", WarehouseType.Text), new("v", WarehouseType.Int64), new("note", WarehouseType.Text)], primaryKey: ["k"]);
        var relation = Warehouse.Qualify("contract", name);
        foreach (var (k, v, note) in rows)
        {
            await Warehouse.ExecuteAsync($"INSERT INTO {relation} (k, v, note) VALUES ({Warehouse.Parameter(1)}, {Warehouse.Parameter(2)}, {Warehouse.Parameter(3)})", [k, v, note]);
        }

        return relation;
    }

    private async Task<List<string>> RowsAsync(string relation) =>
        (await Warehouse.QueryAsync($"SELECT k, v, note FROM {relation} ORDER BY k")).Select(Row).ToList();

    private static string Row(IReadOnlyList<object?> row) => string.Join('|', row.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
}
