using System.Globalization;
using System.Text.Json;
using Strata.Tests.Source;

namespace Strata.Tests.Ingestion;

/// <summary>
/// A streamed value that cannot be landed quarantines its table only: the change goes to the dead-letter table with
/// everything after it of that table, the other tables keep flowing, and a resync at a new consistent point recovers it.
/// </summary>
public abstract class QuarantineTests(string engine) : SharedServerTest($"quarantine_{engine}", initialize: true)
{
    // 32 significant digits: no exact CLR decimal holds it, on either warehouse (docs/types.md).
    private const string Unstorable = "12345678901234567890.123456789012";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseWarehouseEngine(engine);
        await UsePipelineAsync(engine, "quarantine");
        // A transaction of more changes than this goes through a spill file: the failing change must survive it.
        Project.Environment["STRATA_INGEST_SPILL_AFTER"] = "100";
        await SourceAsync("""
            CREATE TABLE operations.ledger (id int PRIMARY KEY, amount numeric);
            CREATE TABLE operations.notes (id int PRIMARY KEY, body text);
            INSERT INTO operations.ledger VALUES (1, 1.5);
            INSERT INTO operations.notes VALUES (1, 'first');
            """);
    }

    private Task SourceAsync(string sql) => Server.ExecuteAsync(sql, Project.Database);

    [Fact]
    public async Task An_unstorable_value_quarantines_its_table_while_others_flow_and_resync_recovers_it()
    {
        var first = await Project.RunAsync("ingest", "--once");
        Assert.True(first.ExitCode == 0, first.ToString());

        // A good ledger row; then one large transaction (spilled to disk) whose ledger rows include the bad value
        // halfway, beside rows of the other table; then a later good ledger row.
        // (One command is one source transaction.)
        await SourceAsync("INSERT INTO operations.ledger VALUES (2, 2.5)");
        await SourceAsync($"""
            INSERT INTO operations.notes SELECT g, 'bulk ' || g FROM generate_series(100, 349) g;
            INSERT INTO operations.ledger SELECT g, CASE WHEN g = 150 THEN {Unstorable} ELSE g END FROM generate_series(100, 299) g;
            INSERT INTO operations.notes VALUES (2, 'second');
            """);
        await SourceAsync("INSERT INTO operations.ledger VALUES (4, 4.5)");

        var quarantined = await Project.RunAsync("ingest", "--once", "--json");

        Assert.True(quarantined.ExitCode == 1, quarantined.ToString());
        var error = Assert.Single(quarantined.ErrorLines, l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("--resync operations.ledger", error, StringComparison.Ordinal);
        using (var result = JsonDocument.Parse(quarantined.Output))
        {
            Assert.Equal(["operations.ledger"], result.RootElement.GetProperty("quarantined").EnumerateArray().Select(t => t.GetString()));
        }

        // The other table flowed, from the same source transaction too; the quarantined one has what came before
        // that transaction (no part of it lands) and nothing after.
        Assert.Equal(252, (await BronzeReader.StateAsync(Project, "notes", "id", "id")).Count);
        Assert.Equal(["1", "2"], await BronzeReader.StateAsync(Project, "ledger", "id", "id"));
        var held = await BronzeReader.QueryAsync(Project,
            "SELECT _op, error, row_text FROM _strata.quarantine WHERE table_name = 'operations__ledger' AND resolved_at IS NULL ORDER BY _lsn, _seq");
        Assert.Equal(200 + 1, held.Count);
        var failed = Assert.Single(held, r => r[1] is not null);
        Assert.Contains(Unstorable, (string)failed[1]!, StringComparison.Ordinal);
        Assert.Contains("operations.ledger.amount", (string)failed[1]!, StringComparison.Ordinal);
        Assert.Equal(Unstorable, JsonDocument.Parse((string)failed[2]!).RootElement.GetProperty("amount").GetString());
        Assert.Equal("4.5", JsonDocument.Parse((string)held[^1][2]!).RootElement.GetProperty("amount").GetString());

        var status = await Project.RunAsync("ingest", "status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        using (var json = JsonDocument.Parse(status.Output))
        {
            var entry = Assert.Single(json.RootElement.GetProperty("quarantined").EnumerateArray());
            Assert.Equal("operations.ledger", entry.GetProperty("source_table").GetString());
            Assert.Equal(201, entry.GetProperty("held").GetInt64());
            Assert.Contains(Unstorable, entry.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal("quarantined", json.RootElement.GetProperty("tables").EnumerateArray()
                .Single(t => t.GetProperty("table").GetString() == "operations__ledger").GetProperty("snapshot").GetString());
        }

        var doctor = await Project.RunAsync("doctor", "--json");
        Assert.Equal(1, doctor.ExitCode);
        using (var json = JsonDocument.Parse(doctor.Output))
        {
            var check = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "quarantine");
            Assert.False(check.GetProperty("ok").GetBoolean());
        }

        // Still held on the next run: later changes of the table wait too, and the others still flow.
        await SourceAsync("INSERT INTO operations.ledger VALUES (5, 5.5)");
        await SourceAsync("INSERT INTO operations.notes VALUES (3, 'third')");
        Assert.Equal(1, (await Project.RunAsync("ingest", "--once")).ExitCode);
        Assert.Equal(253, (await BronzeReader.StateAsync(Project, "notes", "id", "id")).Count);
        Assert.Equal(["1", "2"], await BronzeReader.StateAsync(Project, "ledger", "id", "id"));

        // Fix the row, resync the table: a snapshot at a new consistent point; its old WAL (the bad value) is skipped.
        await SourceAsync("UPDATE operations.ledger SET amount = 150 WHERE id = 150");
        var resync = await Project.RunAsync("ingest", "--once", "--resync", "operations.ledger", "--json");

        Assert.True(resync.ExitCode == 0, resync.ToString());
        using (var result = JsonDocument.Parse(resync.Output))
        {
            Assert.Empty(result.RootElement.GetProperty("quarantined").EnumerateArray());
        }

        var unresolved = await BronzeReader.QueryAsync(Project, "SELECT count(*) FROM _strata.quarantine WHERE resolved_at IS NULL");
        Assert.Equal(0L, Convert.ToInt64(unresolved[0][0], CultureInfo.InvariantCulture));
        await SourceAsync("INSERT INTO operations.ledger VALUES (6, 6.5)");
        Assert.Equal(0, (await Project.RunAsync("ingest", "--once")).ExitCode);
        Assert.Equal(
            await BronzeReader.SourceAsync(Server, Project.Database, "ledger", "id", "id, amount"),
            await BronzeReader.StateAsync(Project, "ledger", "id", "id, amount"));
        await Reconciled.AssertEqualAsync(Project, tables: 6);
    }
}

public sealed class DuckDbQuarantineTests() : QuarantineTests("duckdb");

public sealed class PostgresQuarantineTests() : QuarantineTests("postgres");
