using System.Globalization;
using Strata.Ingestion.Progress;
using Strata.Tests.Source;

namespace Strata.Tests.Ingestion;

/// <summary>Change data capture against the real source server, run once per warehouse engine.</summary>
public abstract class IngestionTests(string engine) : SharedServerTest($"ingest_{engine}", initialize: true)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private const string OrderColumns = "order_id, order_date, delivery_date, customer_id, status, updated_at, created_at";

    protected string Engine => engine;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseWarehouseEngine(engine);
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "40", "--items-per-order", "3")).ExitCode);
    }

    /// <summary>Points the project at a pipeline and an empty warehouse of its own (a new database on a live account).</summary>
    protected virtual Task UsePipelineAsync(string name) => UsePipelineAsync(engine, name);

    private async Task IngestOnceAsync()
    {
        var result = await Project.RunAsync("ingest", "--once");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private Task SourceAsync(string sql) => Server.ExecuteAsync(sql, Project.Database);

    private async Task<ulong> CurrentLsnAsync() =>
        (ulong)NpgsqlTypes.NpgsqlLogSequenceNumber.Parse((await Server.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text", Project.Database))!);

    /// <summary>Runs SQL on the source, then waits until the running ingestion's slot confirms it (acknowledged only after the warehouse commit).</summary>
    private async Task SourceAndWaitAsync(string sql)
    {
        await SourceAsync(sql);
        await Server.WaitForSlotToConfirmAsync($"strata_{Project.Environment["STRATA_INGEST_PIPELINE"]}", Timeout, sql);
    }

    [SkippableFact]
    public async Task Snapshot_then_stream_rebuilds_every_table_exactly_once()
    {
        await UsePipelineAsync("basic");
        await IngestOnceAsync();
        Assert.Equal(
            await BronzeReader.SourceAsync(Server, Project.Database, "orders", "order_id", OrderColumns),
            await BronzeReader.StateAsync(Project, "orders", "order_id", OrderColumns));

        await SourceAsync("""
            INSERT INTO operations.orders (order_date, delivery_date, customer_id, status) VALUES ('2026-02-01', '2026-02-11', 1, 'PENDING');
            UPDATE operations.orders SET status = 'COMPLETED' WHERE order_id IN (1, 2);
            DELETE FROM operations.order_items WHERE order_id = 3;
            DELETE FROM operations.orders WHERE order_id = 3;
            BEGIN; UPDATE operations.orders SET status = 'PROCESSING' WHERE order_id = 4; UPDATE operations.orders SET status = 'REPROCESSING' WHERE order_id = 4; COMMIT;
            """);
        var simulate = await Project.RunAsync("source", "simulate", "--speed", "2000", "--duration", "2s", "--delete-rate", "0.1");
        Assert.True(simulate.ExitCode == 0, simulate.ToString());
        await IngestOnceAsync();
        await IngestOnceAsync();

        foreach (var (table, key, columns) in new[]
        {
            ("orders", "order_id", OrderColumns),
            ("order_items", "order_item_id", "order_item_id, order_id, product_id, quanity, updated_at, created_at"),
            ("customers", "customer_id", "customer_id, customer_name, is_active, customer_address, updated_at, created_at"),
            ("products", "product_id", "product_id, product_name, barcode, unity_price, is_active, updated_at, created_at"),
        })
        {
            Assert.Equal(
                await BronzeReader.SourceAsync(Server, Project.Database, table, key, columns),
                await BronzeReader.StateAsync(Project, table, key, columns));
            var duplicates = await BronzeReader.QueryAsync(Project, warehouse =>
                $"SELECT count(*) FROM (SELECT _lsn, _seq FROM {BronzeReader.Bronze(warehouse, table)} GROUP BY _lsn, _seq HAVING count(*) > 1) d");
            Assert.Equal(0L, Convert.ToInt64(duplicates[0][0], System.Globalization.CultureInfo.InvariantCulture));
        }

        // Commit order inside one transaction: the second update of order 4 comes after the first.
        var order4 = await BronzeReader.QueryAsync(Project,
            "SELECT status, _op FROM bronze.operations__orders WHERE order_id = 4 AND _op = 'u' ORDER BY _lsn, _seq");
        Assert.Equal(["PROCESSING", "REPROCESSING"], order4.Take(2).Select(r => (string)r[0]!));
        var deleted = await BronzeReader.QueryAsync(Project, "SELECT count(*) FROM bronze.operations__orders WHERE order_id = 3 AND _op = 'd'");
        Assert.Equal(1L, Convert.ToInt64(deleted[0][0], System.Globalization.CultureInfo.InvariantCulture));

        var status = await Project.RunAsync("ingest", "status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("\"slot_state\": \"inactive\"", status.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Resync_takes_a_fresh_snapshot_of_one_table_without_breaking_the_stream()
    {
        await UsePipelineAsync("resync");
        await IngestOnceAsync();
        await SourceAsync("UPDATE operations.orders SET status = 'PROCESSING' WHERE order_id = 5; DELETE FROM operations.orders WHERE order_id = 6");

        var result = await Project.RunAsync("ingest", "--once", "--resync", "operations.orders");
        await SourceAsync("UPDATE operations.orders SET status = 'COMPLETED' WHERE order_id = 5");
        await IngestOnceAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Resyncing operations.orders as of", result.Output, StringComparison.Ordinal);
        var snapshots = await BronzeReader.QueryAsync(Project, "SELECT count(DISTINCT _lsn) FROM bronze.operations__orders WHERE _op = 'r'");
        Assert.Equal(2L, Convert.ToInt64(snapshots[0][0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(
            await BronzeReader.SourceAsync(Server, Project.Database, "orders", "order_id", OrderColumns),
            await BronzeReader.StateAsync(Project, "orders", "order_id", OrderColumns));
        var unknown = await Project.RunAsync("ingest", "--once", "--resync", "operations.ordres");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("--resync operations.ordres: no such published table (did you mean 'operations.orders'?)", unknown.Error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_table_added_to_the_publication_is_snapshotted_then_streamed()
    {
        await UsePipelineAsync("newcomer");
        Project.Environment["STRATA_INGEST_HEARTBEAT_MS"] = "500";
        await IngestOnceAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ingest = Project.RunAsync(stop.Token, "ingest");
        await Project.WaitForIngestAsync(IngestStage.Streaming, Environment.ProcessId, Timeout);
        var joined = await CurrentLsnAsync();
        await SourceAndWaitAsync("CREATE TABLE operations.newcomer (id int PRIMARY KEY, note text); INSERT INTO operations.newcomer VALUES (1, 'first'), (2, 'second')");
        await SourceAndWaitAsync("INSERT INTO operations.newcomer VALUES (3, 'third'); UPDATE operations.newcomer SET note = 'changed' WHERE id = 1");
        await SourceAndWaitAsync("CREATE TABLE operations.latecomer (id int PRIMARY KEY); INSERT INTO operations.latecomer VALUES (7)");
        // The tables' own snapshots are over: the phase file says streaming again, not snapshot.
        Assert.Equal(IngestStage.Streaming, Project.ReadIngestPhase()?.Stage);
        await stop.CancelAsync();
        var result = await ingest;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["1|changed", "2|second", "3|third"], await BronzeReader.StateAsync(Project, "newcomer", "id", "id, note"));
        Assert.Equal(["7"], await BronzeReader.StateAsync(Project, "latecomer", "id", "id"));
        // The rows that were there when the table joined came from its own snapshot ('r' at one LSN, recorded as the
        // table's snapshot, after the table joined), not from the stream; later changes follow it.
        var rows = (await BronzeReader.QueryAsync(Project, "SELECT _op, _lsn, id FROM bronze.operations__newcomer ORDER BY _lsn, _seq"))
            .Select(r => (Op: (string)r[0]!, Lsn: Convert.ToUInt64(r[1], CultureInfo.InvariantCulture), Id: Convert.ToInt32(r[2], CultureInfo.InvariantCulture))).ToList();
        Assert.Equal([("r", 1), ("r", 2), ("c", 3), ("u", 1)], rows.Select(r => (r.Op, r.Id)));
        var snapshotLsn = Convert.ToUInt64((await BronzeReader.QueryAsync(Project,
            "SELECT snapshot_lsn FROM _strata.snapshots WHERE table_name = 'operations__newcomer'")).Single()[0], CultureInfo.InvariantCulture);
        Assert.Equal(snapshotLsn, rows[0].Lsn);
        Assert.Equal(snapshotLsn, rows[1].Lsn);
        Assert.True(snapshotLsn > joined, $"the newcomer's snapshot LSN {snapshotLsn} is not after it joined ({joined})");
        Assert.All(rows.Skip(2), r => Assert.True(r.Lsn > snapshotLsn, $"change {r.Op} {r.Id} at {r.Lsn} does not follow the snapshot at {snapshotLsn}"));
        var latecomer = await BronzeReader.QueryAsync(Project, "SELECT _op FROM bronze.operations__latecomer");
        Assert.Equal(["r"], latecomer.Select(r => (string)r[0]!));
    }

    [SkippableFact]
    public async Task A_table_created_and_dropped_between_two_runs_does_not_stop_ingestion()
    {
        await UsePipelineAsync("gone");
        await IngestOnceAsync();
        await SourceAsync("CREATE TABLE operations.gone (id int, note text); INSERT INTO operations.gone VALUES (1, 'short-lived'); DROP TABLE operations.gone");
        await SourceAsync("INSERT INTO operations.customers (customer_name) VALUES ('after the short-lived table')");

        await IngestOnceAsync();

        Assert.Contains(await BronzeReader.StateAsync(Project, "customers", "customer_id", "customer_name"), r => r == "after the short-lived table");
        Assert.Equal(["1|short-lived"], await BronzeReader.StateAsync(Project, "gone", "id", "id, note"));
    }

    [SkippableFact]
    public async Task Truncate_is_recorded()
    {
        await SourceAsync("CREATE TABLE IF NOT EXISTS operations.scratch (id bigint PRIMARY KEY, note text); INSERT INTO operations.scratch VALUES (1, 'a'), (2, 'b')");
        await UsePipelineAsync("truncate");
        await IngestOnceAsync();
        await SourceAsync("TRUNCATE operations.scratch; INSERT INTO operations.scratch VALUES (3, 'c')");
        await IngestOnceAsync();

        var rows = await BronzeReader.QueryAsync(Project, "SELECT _op, id FROM bronze.operations__scratch ORDER BY _lsn, _seq");
        Assert.Equal(["r", "r", "t", "c"], rows.Select(r => (string)r[0]!));
        Assert.Null(rows[2][1]);
        Assert.Equal(["3|c"], await BronzeReader.StateAsync(Project, "scratch", "id", "id, note"));
    }

    [SkippableFact]
    public async Task A_large_transaction_waits_on_disk_and_lands_in_one_warehouse_transaction()
    {
        await SourceAsync("""
            CREATE TABLE IF NOT EXISTS operations.big_txn (id bigint PRIMARY KEY, big text, counter int);
            ALTER TABLE operations.big_txn ALTER COLUMN big SET STORAGE EXTERNAL;
            """);
        await UsePipelineAsync("large");
        Project.Environment["STRATA_INGEST_SPILL_AFTER"] = "1000";
        Project.Environment["STRATA_INGEST_BATCH_SIZE"] = "1000";
        await IngestOnceAsync();
        // The update of row 1 leaves its out-of-line value out as unchanged: it must come from the spilled insert.
        await SourceAsync("""
            BEGIN;
            INSERT INTO operations.big_txn SELECT g, CASE WHEN g = 1 THEN repeat(md5('z'), 1000) ELSE 'row ' || g END, 0 FROM generate_series(1, 25000) g;
            UPDATE operations.big_txn SET counter = 1 WHERE id = 1;
            COMMIT;
            INSERT INTO operations.big_txn VALUES (25001, 'after', 0);
            """);
        var result = await Project.RunAsync("ingest", "--once");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("25,001 changes read back from disk", result.All, StringComparison.Ordinal);

        var large = await BronzeReader.QueryAsync(Project,
            "SELECT count(*), count(DISTINCT _lsn), min(_seq), max(_seq), max(CASE WHEN _op = 'u' THEN length(big) END) FROM bronze.operations__big_txn WHERE id <= 25000");
        Assert.Equal([25_001L, 1L, 0L, 25_000L, 32_000L], large[0].Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(
            await BronzeReader.SourceAsync(Server, Project.Database, "big_txn", "id", "id, big, counter"),
            await BronzeReader.StateAsync(Project, "big_txn", "id", "id, big, counter"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Project.Directory, ".strata", "spill"), "*", SearchOption.AllDirectories));
    }

    [SkippableFact]
    public async Task A_transaction_streamed_while_it_runs_lands_whole_without_what_it_rolled_back()
    {
        await SourceAsync("CREATE TABLE IF NOT EXISTS operations.streamed_txn (id bigint PRIMARY KEY, note text, counter int)");
        await UsePipelineAsync("streamed");
        Project.Environment["STRATA_INGEST_STREAM_IN_PROGRESS"] = "true";
        await IngestOnceAsync();
        // The server streams a transaction once its decoded changes pass logical_decoding_work_mem: at 64kB, a few
        // thousand rows. The walsender of the next run reads the database's setting.
        await SourceAsync($"ALTER DATABASE {Project.Database} SET logical_decoding_work_mem = '64kB'");
        try
        {
            await SourceAsync("""
                BEGIN;
                INSERT INTO operations.streamed_txn SELECT g, 'row ' || g, 0 FROM generate_series(1, 20000) g;
                SAVEPOINT undone;
                INSERT INTO operations.streamed_txn SELECT g, 'rolled back', 0 FROM generate_series(20001, 25000) g;
                ROLLBACK TO SAVEPOINT undone;
                UPDATE operations.streamed_txn SET counter = 1 WHERE id <= 100;
                COMMIT;
                BEGIN;
                INSERT INTO operations.streamed_txn SELECT g, 'aborted', 0 FROM generate_series(30001, 40000) g;
                ROLLBACK;
                INSERT INTO operations.streamed_txn VALUES (50000, 'after', 0);
                """);
            await IngestOnceAsync();
        }
        finally
        {
            await SourceAsync($"ALTER DATABASE {Project.Database} RESET logical_decoding_work_mem");
        }

        // The server's own count says the transactions were streamed (the aborted one included), not sent after their commit.
        var slot = $"strata_{Project.Environment["STRATA_INGEST_PIPELINE"]}";
        Assert.True(await Server.ScalarAsync<long>($"SELECT stream_txns FROM pg_stat_replication_slots WHERE slot_name = '{slot}'") >= 2, "nothing was streamed");
        var large = await BronzeReader.QueryAsync(Project,
            "SELECT count(*), count(DISTINCT _lsn), count(CASE WHEN id > 20000 AND id < 50000 THEN 1 END), min(_seq), max(_seq) FROM bronze.operations__streamed_txn WHERE _op <> 'r' AND id < 50000");
        Assert.Equal([20_100L, 1L, 0L, 0L], large[0].Take(4).Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(
            await BronzeReader.SourceAsync(Server, Project.Database, "streamed_txn", "id", "id, note, counter"),
            await BronzeReader.StateAsync(Project, "streamed_txn", "id", "id, note, counter"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Project.Directory, ".strata", "spill"), "*", SearchOption.AllDirectories));
    }

    [SkippableTheory]
    [InlineData("FULL")]
    [InlineData("DEFAULT")]
    public async Task Unchanged_toast_values_are_never_lost(string identity)
    {
        var table = $"toasty_{identity.ToLowerInvariant()}";
        await SourceAsync($"""
            CREATE TABLE IF NOT EXISTS operations.{table} (id bigint PRIMARY KEY, big text, counter int);
            ALTER TABLE operations.{table} REPLICA IDENTITY {identity};
            INSERT INTO operations.{table} VALUES (1, repeat(md5('x'), 1000), 0) ON CONFLICT DO NOTHING;
            """);
        await UsePipelineAsync($"toast_{identity.ToLowerInvariant()}");
        await IngestOnceAsync();
        await SourceAsync($"INSERT INTO operations.{table} VALUES (2, repeat(md5('y'), 1000), 0)");
        await SourceAsync($"UPDATE operations.{table} SET counter = counter + 1");
        await IngestOnceAsync();
        await SourceAsync($"UPDATE operations.{table} SET counter = counter + 1");
        await IngestOnceAsync();

        var rows = await BronzeReader.QueryAsync(Project, $"SELECT id, length(big), counter FROM bronze.operations__{table} WHERE _op = 'u' ORDER BY _lsn, _seq");
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(32_000L, Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(
            await BronzeReader.SourceAsync(Server, Project.Database, table, "id", "id, big, counter"),
            await BronzeReader.StateAsync(Project, table, "id", "id, big, counter"));
    }

    [SkippableFact]
    public async Task Schema_changes_are_followed_without_a_restart()
    {
        await SourceAsync("CREATE TABLE IF NOT EXISTS operations.evolving (id bigint PRIMARY KEY, a int, b text, c int); INSERT INTO operations.evolving VALUES (1, 1, 'one', 1) ON CONFLICT DO NOTHING");
        await UsePipelineAsync("schema");
        await IngestOnceAsync();
        await SourceAsync("ALTER TABLE operations.evolving ADD COLUMN added numeric(10,2); INSERT INTO operations.evolving VALUES (2, 2, 'two', 2, 12.50)");
        await SourceAsync("ALTER TABLE operations.evolving DROP COLUMN b; INSERT INTO operations.evolving (id, a, c) VALUES (3, 3, 3)");

        var result = await Project.RunAsync("ingest", "--once");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("new column added (numeric(10,2)) added to bronze", result.Output, StringComparison.Ordinal);
        Assert.Contains("column b was dropped at the source; bronze keeps it", result.Error, StringComparison.Ordinal);
        var rows = await BronzeReader.QueryAsync(Project, "SELECT id, b, added FROM bronze.operations__evolving ORDER BY _lsn, _seq");
        Assert.Equal(3, rows.Count);
        Assert.Equal("one", rows[0][1]);
        Assert.Equal(12.50m, Convert.ToDecimal(rows[1][2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(rows[2][1]);

        await SourceAsync("ALTER TABLE operations.evolving ALTER COLUMN a TYPE text; INSERT INTO operations.evolving (id, a, c) VALUES (4, 'four', 4)");
        var incompatible = await Project.RunAsync("ingest", "--once");
        Assert.True(incompatible.ExitCode == 1, incompatible.ToString());
        Assert.Equal(
            ["error: column a of operations.evolving changed type from integer to text, which bronze cannot hold in one column; run `strata ingest --resync operations.evolving` to take a fresh snapshot of the table"],
            incompatible.ErrorLines);

        // The way out the message names.
        var resync = await Project.RunAsync("ingest", "--once", "--resync", "operations.evolving");
        Assert.True(resync.ExitCode == 0, resync.ToString());
        Assert.Contains("the old changelog is kept as bronze.operations__evolving__before_", resync.Error, StringComparison.Ordinal);
        Assert.Equal(
            await BronzeReader.SourceAsync(Server, Project.Database, "evolving", "id", "id, a, c, added"),
            await BronzeReader.StateAsync(Project, "evolving", "id", "id, a, c, added"));
        await SourceAsync("INSERT INTO operations.evolving (id, a, c) VALUES (5, 'five', 5)");
        await IngestOnceAsync();
        Assert.Equal(5, (await BronzeReader.StateAsync(Project, "evolving", "id", "id, a")).Count);
        await SourceAsync("DROP TABLE operations.evolving");
    }

    [SkippableFact]
    public async Task A_widened_column_holds_the_wider_values_exactly()
    {
        await SourceAsync("CREATE TABLE operations.widening (id int PRIMARY KEY, s smallint, r real, i int); INSERT INTO operations.widening VALUES (1, 7, 0.5, 1)");
        await UsePipelineAsync("widening");
        await IngestOnceAsync();
        await SourceAsync("""
            ALTER TABLE operations.widening ALTER COLUMN s TYPE integer, ALTER COLUMN r TYPE double precision, ALTER COLUMN i TYPE bigint;
            INSERT INTO operations.widening VALUES (2, 40000, 0.1234567890123, 9000000000);
            """);

        await IngestOnceAsync();

        // Before, the wider values went into the narrow columns: 40000 came back as -25536.
        Assert.Equal(
            await BronzeReader.SourceQueryAsync(Server, Project.Database, "SELECT id, s, r, i FROM operations.widening ORDER BY id"),
            await BronzeReader.StateAsync(Project, "widening", "id", "id, s, r, i"));
    }

    [SkippableFact]
    public async Task Wide_numerics_land_exactly_or_fail_loudly_never_rounded()
    {
        const string columns = "id, CAST(a AS VARCHAR), CAST(b AS VARCHAR)";
        await SourceAsync("CREATE TABLE operations.wide_numbers (id int PRIMARY KEY, a numeric(40,2), b numeric(50,20)); INSERT INTO operations.wide_numbers VALUES (1, 12345678901234567890.12, 1.5)");
        await UsePipelineAsync("wide_numbers");
        await IngestOnceAsync();
        await SourceAsync("INSERT INTO operations.wide_numbers VALUES (2, -0.01, 123.45678901234567890123)");
        await IngestOnceAsync();

        Assert.Equal(
            await BronzeReader.SourceQueryAsync(Server, Project.Database, "SELECT id, a::text, b::text FROM operations.wide_numbers ORDER BY id"),
            await BronzeReader.StateAsync(Project, "wide_numbers", "id", columns));

        // 31 significant digits: more than the copy path keeps. It quarantines the table (exit 1, one error line, the
        // warning naming the column); it is never rounded.
        await SourceAsync("INSERT INTO operations.wide_numbers VALUES (3, 1, 12345678901.12345678901234567890)");
        var tooWide = await Project.RunAsync("ingest", "--once");
        Assert.Equal(1, tooWide.ExitCode);
        Assert.Contains("operations.wide_numbers", Assert.Single(tooWide.ErrorLines, l => l.StartsWith("error:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("operations.wide_numbers.b", Assert.Single(tooWide.ErrorLines, l => l.StartsWith("warning:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(["1", "2"], await BronzeReader.StateAsync(Project, "wide_numbers", "id", "id"));
    }

    [SkippableFact]
    public async Task Snapshot_and_stream_land_network_values_as_the_source_writes_them()
    {
        const string values = "('10.1.2.3', '10.0.0.0/8', '::1'), ('192.168.0.1/24', '2001:db8::/32', NULL)";
        await SourceAsync($"CREATE TABLE operations.network (id serial PRIMARY KEY, a inet, b cidr, c inet); INSERT INTO operations.network (a, b, c) VALUES {values}");
        await UsePipelineAsync("network");
        await IngestOnceAsync();
        await SourceAsync($"INSERT INTO operations.network (a, b, c) VALUES {values}");
        await IngestOnceAsync();

        // Before, the snapshot wrote 10.1.2.3/32 (the text cast) where the stream wrote 10.1.2.3 (the output function).
        // The oracle is the source's own output function: format('%s', …), NULL kept as NULL.
        Assert.Equal(
            await BronzeReader.SourceQueryAsync(Server, Project.Database,
                "SELECT id, format('%s', a), format('%s', b), CASE WHEN c IS NULL THEN NULL ELSE format('%s', c) END FROM operations.network ORDER BY id"),
            await BronzeReader.StateAsync(Project, "network", "id", "id, a, b, c"));
        var snapshotRow = (await BronzeReader.QueryAsync(Project, "SELECT a FROM bronze.operations__network WHERE _op = 'r' AND id = 1")).Single()[0];
        var streamedRow = (await BronzeReader.QueryAsync(Project, "SELECT a FROM bronze.operations__network WHERE _op = 'c' AND id = 3")).Single()[0];
        Assert.Equal("10.1.2.3", snapshotRow);
        Assert.Equal(snapshotRow, streamedRow);
    }

    [SkippableFact]
    public async Task Types_map_without_loss()
    {
        await SourceAsync("""
            DO $$ BEGIN CREATE TYPE operations.mood AS ENUM ('sad', 'happy'); EXCEPTION WHEN duplicate_object THEN NULL; END $$;
            CREATE TABLE IF NOT EXISTS operations.typed (
                id int PRIMARY KEY, i2 smallint, i8 bigint, f4 real, f8 double precision, n numeric, n52 numeric(5,2),
                t text, vc varchar(10), ch char(3), b boolean, d date, tm time, ts timestamp(3), tz timestamptz,
                iv interval, u uuid, j json, jb jsonb, bin bytea, arr int[], m operations.mood);
            TRUNCATE operations.typed;
            INSERT INTO operations.typed VALUES (1, -32768, 9223372036854775807, 1.5, 2.25, 12345678901234567.0123456789, 123.45,
                'tëxt, "quoted"', 'short', 'abc', true, '2026-02-28', '13:45:10.5', '2026-01-01 10:00:00.123', '2026-01-01 10:00:00+02',
                '1 day 02:00:00', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": 1}', '{"b": [1, 2]}', '\xdeadbeef', '{1,2,3}', 'happy');
            """);
        await UsePipelineAsync("types");
        await IngestOnceAsync();
        await SourceAsync("""
            INSERT INTO operations.typed (id, i2, n, tz, arr, m, bin) VALUES (2, 7, 0.1, '2026-06-01 00:00:00+00', '{}', 'sad', '\x00');
            INSERT INTO operations.typed (id) VALUES (3);
            """);
        await IngestOnceAsync();

        var columns = "id, i2, i8, f4, f8, n, n52, t, vc, ch, b, d, ts, tz, u, bin";
        var rows = await BronzeReader.StateAsync(Project, "typed", "id", columns);
        var expected = await BronzeReader.SourceAsync(Server, Project.Database, "typed", "id", columns);
        Assert.Equal(expected.Count, rows.Count);
        Assert.Equal(string.Join("\n", expected), string.Join("\n", rows));
        var text = await BronzeReader.QueryAsync(Project, "SELECT iv, arr, m, j, jb FROM bronze.operations__typed WHERE id = 1");
        Assert.Equal("1 day 02:00:00", text[0][0]);
        Assert.Equal("{1,2,3}", text[0][1]);
        Assert.Equal("happy", text[0][2]);
        // Compared as JSON: Snowflake keeps it as VARIANT, which it writes out in a layout of its own.
        using var json = System.Text.Json.JsonDocument.Parse(Convert.ToString(text[0][3], CultureInfo.InvariantCulture)!);
        Assert.Equal(1, json.RootElement.GetProperty("a").GetInt32());
    }
}

public sealed class DuckDbIngestionTests() : IngestionTests("duckdb")
{
    [Fact]
    public async Task A_streamed_numeric_too_wide_for_duckdb_quarantines_its_table_naming_column_and_value()
    {
        await Server.ExecuteAsync("CREATE TABLE IF NOT EXISTS operations.wide (id int PRIMARY KEY, amount numeric)", Project.Database);
        Project.Environment["STRATA_INGEST_PIPELINE"] = "duckdb_wide";
        Project.Environment["STRATA_WAREHOUSE_PATH"] = Path.Combine(Project.Directory, "wide.duckdb");
        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);
        await Server.ExecuteAsync("INSERT INTO operations.wide VALUES (1, 0.12345678901)", Project.Database);
        await Server.ExecuteAsync("UPDATE operations.customers SET customer_name = 'after the wide value' WHERE customer_id = 1", Project.Database);

        var result = await Project.RunAsync("ingest", "--once");

        // Found before the write: the table is quarantined, the batch (and the customer's change) lands.
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("operations.wide", Assert.Single(result.ErrorLines, l => l.StartsWith("error:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("value 0.12345678901 of operations.wide.amount does not fit its bronze column DECIMAL(38,10) exactly",
            Assert.Single(result.ErrorLines, l => l.StartsWith("warning:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("1|after the wide value", await BronzeReader.StateAsync(Project, "customers", "customer_id", "customer_id, customer_name"));
        await Server.ExecuteAsync("DROP TABLE operations.wide", Project.Database);
    }

    [Fact]
    public async Task A_failed_first_snapshot_of_a_new_table_is_taken_again_once_the_value_is_fixed()
    {
        Project.Environment["STRATA_INGEST_PIPELINE"] = "duckdb_retried";
        Project.Environment["STRATA_WAREHOUSE_PATH"] = Path.Combine(Project.Directory, "retried.duckdb");
        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);
        // A value DuckDB's DECIMAL(38,10) cannot hold exactly makes the new table's snapshot fail.
        await Server.ExecuteAsync("CREATE TABLE operations.retried (id int PRIMARY KEY, amount numeric); INSERT INTO operations.retried VALUES (1, 1.5), (2, 0.12345678901)", Project.Database);
        // The table is quarantined (exit 1), the others go on; no snapshot of it is recorded, so the next run takes it again.
        Assert.Equal(1, (await Project.RunAsync("ingest", "--once")).ExitCode);
        Assert.Equal("quarantined", await SnapshotStateAsync("operations__retried"));

        await Server.ExecuteAsync("UPDATE operations.retried SET amount = 0.25 WHERE id = 2", Project.Database);
        var fixedRun = await Project.RunAsync("ingest", "--once");

        Assert.True(fixedRun.ExitCode == 0, fixedRun.ToString());
        Assert.Equal(["1", "2"], await BronzeReader.StateAsync(Project, "retried", "id", "id"));
        Assert.Equal("done", await SnapshotStateAsync("operations__retried"));
    }

    [Fact]
    public async Task A_table_whose_policies_hide_rows_from_the_cdc_login_is_quarantined_never_copied_short()
    {
        Project.Environment["STRATA_INGEST_PIPELINE"] = "duckdb_policed";
        Project.Environment["STRATA_WAREHOUSE_PATH"] = Path.Combine(Project.Directory, "policed.duckdb");
        // Row-level security that shows the CDC login two of the four rows: a snapshot under it would lack the other two.
        await Server.ExecuteAsync(
            "CREATE TABLE operations.policed (id int PRIMARY KEY); INSERT INTO operations.policed VALUES (1), (2), (3), (4); " +
            "ALTER TABLE operations.policed ENABLE ROW LEVEL SECURITY; CREATE POLICY some_rows ON operations.policed FOR SELECT USING (id <= 2)", Project.Database);
        try
        {
            var refused = await Project.RunAsync("ingest", "--once");

            Assert.Equal(1, refused.ExitCode);
            var warning = Assert.Single(refused.ErrorLines, l => l.StartsWith("warning:", StringComparison.Ordinal));
            Assert.Contains("operations.policed", warning, StringComparison.Ordinal);
            Assert.Contains($"ALTER ROLE {Project.CdcUser} BYPASSRLS", warning, StringComparison.Ordinal);
            Assert.Equal("quarantined", await SnapshotStateAsync("operations__policed"));
            Assert.False(await DoctorSaysReadableAsync());

            // With the fix the next run copies every row, not the two the policy shows.
            await Server.ExecuteAsync($"ALTER ROLE {Project.CdcUser} BYPASSRLS");
            Assert.True(await DoctorSaysReadableAsync());
            var fixedRun = await Project.RunAsync("ingest", "--once");
            Assert.True(fixedRun.ExitCode == 0, fixedRun.ToString());
            Assert.Equal(["1", "2", "3", "4"], await BronzeReader.StateAsync(Project, "policed", "id", "id"));
        }
        finally
        {
            await Server.ExecuteAsync($"ALTER ROLE {Project.CdcUser} NOBYPASSRLS");
        }
    }

    private async Task<bool> DoctorSaysReadableAsync()
    {
        var doctor = await Project.RunAsync("doctor", "--json");
        using var json = System.Text.Json.JsonDocument.Parse(doctor.Output);
        return json.RootElement.GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "Published tables readable in full").GetProperty("ok").GetBoolean();
    }

    private async Task<string?> SnapshotStateAsync(string table)
    {
        var status = await Project.RunAsync("ingest", "status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(status.Output);
        return json.RootElement.GetProperty("tables").EnumerateArray()
            .Where(t => t.GetProperty("table").GetString() == table).Select(t => t.GetProperty("snapshot").GetString()).SingleOrDefault();
    }
}

public sealed class PostgresIngestionTests() : IngestionTests("postgres")
{
    [Fact]
    public async Task A_snapshot_copies_ranges_of_several_tables_at_once_within_one_limit()
    {
        await UsePipelineAsync("spread");
        await Server.ExecuteAsync(
            "CREATE TABLE operations.spread_big (id int PRIMARY KEY, note text); INSERT INTO operations.spread_big SELECT g, 'row ' || g FROM generate_series(1, 40000) g; " +
            "CREATE TABLE operations.spread_small (id int PRIMARY KEY, note text); INSERT INTO operations.spread_small SELECT g, 'row ' || g FROM generate_series(1, 12000) g; " +
            "ANALYZE operations.spread_big; ANALYZE operations.spread_small", Project.Database);
        try
        {
            // Ranges of about 4,000 rows, each read over at least 80 ms: 10 of the big table, 3 of the small one.
            Project.Environment["STRATA_INGEST_SNAPSHOT_PAUSE_MS"] = "20";
            Project.Environment["STRATA_INGEST_SNAPSHOT_RANGE_ROWS"] = "4000";
            var ingest = Project.RunAsync("ingest", "--once", "--threads", "2");
            int most = 0, mostOfBig = 0;
            while (!ingest.IsCompleted)
            {
                // The ranges being copied at this moment (each on a connection of its own, in the snapshot's transaction
                // until it is done; the last, open-ended range of a table goes on the table's own connection and is not
                // counted): every table's, and the big table's alone.
                var copying = await Server.ScalarAsync<string>(
                    "SELECT count(*) || ',' || count(*) FILTER (WHERE query LIKE '%spread_big%') FROM pg_stat_activity " +
                    $"WHERE datname = '{Project.Database}' AND state IN ('active', 'idle in transaction') AND query LIKE 'COPY (SELECT %ctid < %'", Project.Database);
                var counts = copying!.Split(',').Select(int.Parse).ToArray();
                (most, mostOfBig) = (Math.Max(most, counts[0]), Math.Max(mostOfBig, counts[1]));
                await Task.Delay(5);
            }

            var result = await ingest;
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.True(most <= 2, $"{most} copies ran at once with --threads 2 ({mostOfBig} of operations.spread_big)");
            Assert.True(mostOfBig == 2, $"at most {mostOfBig} range(s) of operations.spread_big were copied at once, not 2");
            Assert.Equal(
                await BronzeReader.SourceAsync(Server, Project.Database, "spread_big", "id", "id, note"),
                await BronzeReader.StateAsync(Project, "spread_big", "id", "id, note"));
            var duplicates = await BronzeReader.QueryAsync(Project, "SELECT count(*) - count(DISTINCT _seq) FROM bronze.operations__spread_big");
            Assert.Equal(0L, Convert.ToInt64(duplicates[0][0], CultureInfo.InvariantCulture));
        }
        finally
        {
            Project.Environment.Remove("STRATA_INGEST_SNAPSHOT_PAUSE_MS");
            Project.Environment.Remove("STRATA_INGEST_SNAPSHOT_RANGE_ROWS");
            await Server.ExecuteAsync("DROP TABLE operations.spread_big, operations.spread_small", Project.Database);
        }
    }
}
