using System.Text.Json;
using Strata.Testing;
using Strata.Tests.Source;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// Every statement <c>strata ingest</c> and <c>strata reconcile</c> send to Snowflake, captured as they run for real:
/// from the tests' PostgreSQL source into the fake account, whose <see cref="WarehouseStateScript"/> answers the reads
/// (catalog, checkpoint, snapshot records, source types, identity) from what was written before. A snapshot, then a
/// stream with inserts, updates, deletes, an unchanged TOAST value, a column added and one widened, a TRUNCATE and a
/// value bronze cannot hold (quarantine), then a resync, status and reconcile: each statement must parse as Snowflake
/// SQL. Whether Snowflake runs them with the intended meaning is for the live suite (SnowflakeLiveIngestionTests).
/// </summary>
public sealed class SnowflakeIngestionStatementTests() : SharedServerTest("sfstatements", initialize: true)
{
    private readonly WarehouseStateScript _script = new();
    private FakeSnowflakeAccount _account = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Assert.Equal(0, (await Project.RunAsync("source", "seed", "--orders", "20", "--items-per-order", "2")).ExitCode);
        await Server.ExecuteAsync("""
            CREATE TABLE operations.gauges (id int PRIMARY KEY, level smallint, doc text);
            ALTER TABLE operations.gauges ALTER COLUMN doc SET STORAGE EXTERNAL;
            INSERT INTO operations.gauges VALUES (1, 7, repeat('x', 4000)), (2, 8, 'short');
            CREATE TABLE operations.ledger (id int PRIMARY KEY, amount numeric);
            INSERT INTO operations.ledger VALUES (1, 1.5);
            """, Project.Database);
        _account = await FakeSnowflakeAccount.StartAsync(_script.Answer);
        _account.UseIn(Project.Environment);
        Project.Environment["STRATA_INGEST_PIPELINE"] = "sfstatements";
    }

    public override async Task DisposeAsync()
    {
        await _account.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Snapshot_stream_schema_changes_truncate_quarantine_and_resync_send_only_Snowflake_SQL()
    {
        await IngestAsync("ingest", "--once");
        await Server.ExecuteAsync("""
            INSERT INTO operations.orders (order_date, delivery_date, customer_id, status) VALUES ('2026-02-01', '2026-02-11', 1, 'PENDING');
            UPDATE operations.orders SET status = 'COMPLETED' WHERE order_id IN (1, 2);
            DELETE FROM operations.order_items WHERE order_id = 3;
            DELETE FROM operations.orders WHERE order_id = 3;
            ALTER TABLE operations.gauges ALTER COLUMN level TYPE integer, ADD COLUMN added numeric(12,2);
            INSERT INTO operations.gauges VALUES (3, 40000, 'three', 12.50);
            UPDATE operations.gauges SET level = 9 WHERE id = 1;
            DELETE FROM operations.gauges WHERE id = 2;
            INSERT INTO operations.ledger VALUES (2, 1.12345678901);
            TRUNCATE operations.gauges;
            INSERT INTO operations.gauges VALUES (4, 1, 'after the truncate', NULL);
            """, Project.Database);

        // A change bronze cannot hold quarantines its table, and ingestion says so with exit 1; every other table goes on.
        var stream = await IngestAsync(1, "ingest", "--once");
        var resync = await IngestAsync("ingest", "--once", "--resync", "operations.ledger");
        var status = await IngestAsync("ingest", "status", "--json");

        Assert.Contains("operations.gauges: new column added (numeric(12,2)) added to bronze", stream.Output, StringComparison.Ordinal);
        Assert.Contains("operations.gauges: column level widened to integer in bronze", stream.Output, StringComparison.Ordinal);
        Assert.Contains("1 table(s) quarantined: operations.ledger", stream.Error, StringComparison.Ordinal);
        Assert.Contains("Resyncing operations.ledger as of", resync.Output, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(status.Output))
        {
            Assert.Equal("inactive", json.RootElement.GetProperty("slot_state").GetString());
        }

        var statements = CapturedRequest.StatementsOf(_account.Server);
        Assert.Contains(statements, s => s.StartsWith("CREATE TABLE IF NOT EXISTS \"BRONZE\".\"OPERATIONS__GAUGES\" (", StringComparison.Ordinal));
        Assert.Contains("ALTER TABLE \"BRONZE\".\"OPERATIONS__GAUGES\" ADD COLUMN \"ADDED\" NUMBER(12,2)", statements);
        Assert.Contains("ALTER TABLE \"BRONZE\".\"OPERATIONS__GAUGES\" ALTER COLUMN \"LEVEL\" TYPE NUMBER(10,0)", statements);
        Assert.Contains(statements, s => s.StartsWith("INSERT INTO \"BRONZE\".\"OPERATIONS__ORDERS\" ", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.StartsWith("INSERT INTO \"BRONZE\".\"OPERATIONS__GAUGES\" ", StringComparison.Ordinal) && s.Contains("'t'", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.StartsWith("SELECT \"DOC\" FROM \"BRONZE\".\"OPERATIONS__GAUGES\" ", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.StartsWith("MERGE INTO \"_STRATA\".\"CHECKPOINTS\" ", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.StartsWith("INSERT INTO \"_STRATA\".\"QUARANTINE\" ", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.StartsWith("UPDATE \"_STRATA\".\"QUARANTINE\" SET resolved_at", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.StartsWith("INSERT INTO \"_STRATA\".\"WAREHOUSE_IDENTITY\" ", StringComparison.Ordinal));
        await SnowflakeGrammar.AssertParsesExceptGapsAsync(statements);
    }

    [Fact]
    public async Task Reconcile_sends_only_Snowflake_SQL()
    {
        await IngestAsync("ingest", "--once");
        var ingested = CapturedRequest.StatementsOf(_account.Server).Count;

        var reconcile = await Project.RunAsync("reconcile", "--json");

        // The fake keeps no bronze rows, so every table differs from the source: exit 1 with the differences, not an error.
        Assert.True(reconcile.ExitCode == 1, reconcile.ToString());
        using (var json = JsonDocument.Parse(reconcile.Output))
        {
            Assert.All(json.RootElement.GetProperty("tables").EnumerateArray(), t => Assert.Equal(0, t.GetProperty("bronze_rows").GetInt64()));
        }

        var statements = CapturedRequest.StatementsOf(_account.Server).Skip(ingested).ToList();
        Assert.Contains(statements, s => s.Contains("FROM \"BRONZE\".\"OPERATIONS__ORDERS\"", StringComparison.Ordinal) && s.Contains("_op = 't'", StringComparison.Ordinal));
        await SnowflakeGrammar.AssertParsesExceptGapsAsync(statements);
    }

    private Task<CliResult> IngestAsync(params string[] args) => IngestAsync(0, args);

    private async Task<CliResult> IngestAsync(int exitCode, params string[] args)
    {
        var result = await Project.RunAsync(args);
        Assert.True(result.ExitCode == exitCode, result.ToString());
        return result;
    }
}

