using Strata.Ingestion;
using Strata.Ingestion.Catalog;
using Strata.Ingestion.Streaming;
using Strata.UnitTests.Support;
using Strata.Warehouse.DuckDb;
using static Strata.UnitTests.PgOutputDecodingTests;

namespace Strata.UnitTests;

/// <summary>
/// Values an update left out as unchanged TOAST come from the old row (REPLICA IDENTITY FULL), else the newest
/// version not yet written, else bronze; never a null for a value that did not change.
/// </summary>
public sealed class ToastFillerTests
{
    private static readonly SourceTable Documents = new("operations", "documents",
    [
        Column("id", "int8", isKey: true),
        Column("title", "text"),
        Column("body", "text"),
        Column("attachment", "bytea"),
    ]);

    private static readonly SourceTable Lines = new("operations", "lines",
    [
        Column("order_id", "int8", isKey: true),
        Column("line_no", "int4", isKey: true),
        Column("body", "text"),
    ]);

    private static readonly string LargeBody = new('b', 4000);

    private readonly RecordingWarehouse _warehouse = new();
    private readonly RecordingConsole _console = new();

    [Fact]
    public async Task An_update_without_unchanged_values_is_left_as_it_is()
    {
        var filler = Filler();
        var values = Row(("id", 1L), ("title", "t"), ("body", null));

        var filled = await filler.FillAsync(Documents, values, null, CancellationToken.None);

        Assert.Same(values, filled);
        Assert.Null(filled["body"]);
        Assert.Empty(_warehouse.Queries);
    }

    [Fact]
    public async Task The_old_row_of_replica_identity_full_fills_the_value()
    {
        var filler = Filler();
        var update = Unchanged(Row(("id", 1L), ("title", "new")), "body");
        var old = Row(("id", 1L), ("title", "old"), ("body", LargeBody), ("attachment", null));

        var filled = await filler.FillAsync(Documents, update, old, CancellationToken.None);

        Assert.Equal(LargeBody, filled["body"]);
        Assert.Equal("new", filled["title"]);
        Assert.Empty(_warehouse.Queries);
    }

    [Fact]
    public async Task The_newest_unwritten_version_of_the_row_fills_the_value()
    {
        var filler = Filler();
        filler.Pending(Change(Documents, 'c', 10, Row(("id", 1L), ("title", "v1"), ("body", "first " + LargeBody))));
        filler.Pending(Change(Documents, 'u', 20, Row(("id", 1L), ("title", "v2"), ("body", LargeBody))));
        filler.Pending(Change(Documents, 'c', 20, Row(("id", 2L), ("title", "other"), ("body", "other " + LargeBody))));

        var filled = await filler.FillAsync(Documents, Unchanged(Row(("id", 1L), ("title", "v3")), "body"), null, CancellationToken.None);

        Assert.Equal(LargeBody, filled["body"]);
        Assert.Empty(_warehouse.Queries);
    }

    [Fact]
    public async Task Several_unchanged_columns_are_filled_together_bytes_included()
    {
        var filler = Filler();
        var attachment = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        filler.Pending(Change(Documents, 'c', 10, Row(("id", 5L), ("title", "t"), ("body", LargeBody), ("attachment", attachment))));

        var filled = await filler.FillAsync(Documents, Unchanged(Row(("id", 5L), ("title", "t2")), "body", "attachment"), null, CancellationToken.None);

        Assert.Equal(LargeBody, filled["body"]);
        Assert.Equal(attachment, filled["attachment"]);
    }

    [Fact]
    public async Task A_composite_key_finds_only_its_own_row()
    {
        var filler = Filler();
        filler.Pending(Change(Lines, 'c', 10, Row(("order_id", 1L), ("line_no", 2), ("body", "1/2 " + LargeBody))));
        filler.Pending(Change(Lines, 'c', 10, Row(("order_id", 12L), ("line_no", 1), ("body", "12/1 " + LargeBody))));
        filler.Pending(Change(Lines, 'c', 10, Row(("order_id", 1L), ("line_no", 21), ("body", "1/21 " + LargeBody))));

        var filled = await filler.FillAsync(Lines, Unchanged(Row(("order_id", 1L), ("line_no", 2)), "body"), null, CancellationToken.None);

        Assert.StartsWith("1/2 ", (string)filled["body"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_key_in_another_table_is_not_used()
    {
        var filler = Filler();
        var other = Documents with { Name = "archive" };
        filler.Pending(Change(other, 'c', 10, Row(("id", 1L), ("title", "archived"), ("body", LargeBody))));

        await filler.FillAsync(Documents, Unchanged(Row(("id", 1L), ("title", "t")), "body"), null, CancellationToken.None);

        var query = Assert.Single(_warehouse.Queries);
        Assert.Contains("\"bronze\".\"operations__documents\"", query.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rows_written_to_bronze_are_forgotten_up_to_the_flushed_position()
    {
        var filler = Filler();
        filler.Pending(Change(Documents, 'c', 10, Row(("id", 1L), ("title", "a"), ("body", "one " + LargeBody))));
        filler.Pending(Change(Documents, 'c', 20, Row(("id", 2L), ("title", "b"), ("body", "two " + LargeBody))));
        filler.Pending(Change(Documents, 'c', 30, Row(("id", 3L), ("title", "c"), ("body", "three " + LargeBody))));

        filler.Flushed(20);

        var third = await filler.FillAsync(Documents, Unchanged(Row(("id", 3L)), "body"), null, CancellationToken.None);
        Assert.StartsWith("three ", (string)third["body"]!, StringComparison.Ordinal);
        Assert.Empty(_warehouse.Queries);
        await filler.FillAsync(Documents, Unchanged(Row(("id", 2L)), "body"), null, CancellationToken.None);
        await filler.FillAsync(Documents, Unchanged(Row(("id", 1L)), "body"), null, CancellationToken.None);
        Assert.Equal([2L, 1L], _warehouse.Queries.Select(q => (long)q.Parameters.Single()!));
    }

    [Theory]
    [InlineData('d')]
    [InlineData('t')]
    [InlineData('r')]
    public async Task Only_inserts_and_updates_are_remembered(char operation)
    {
        var filler = Filler();
        filler.Pending(Change(Documents, operation, 10, Row(("id", 1L), ("title", "t"), ("body", LargeBody))));

        await filler.FillAsync(Documents, Unchanged(Row(("id", 1L)), "body"), null, CancellationToken.None);

        Assert.Single(_warehouse.Queries);
    }

    [Fact]
    public async Task Rows_too_small_to_have_been_toasted_are_not_remembered()
    {
        var filler = Filler();
        filler.Pending(Change(Documents, 'c', 10, Row(("id", 1L), ("title", "short"), ("body", "tiny"))));
        // Many fixed-width values and no text or bytes: nothing PostgreSQL could have moved out of line.
        var wide = Row(("order_id", 1L), ("line_no", 1));
        for (var i = 0; i < 40; i++)
        {
            wide[$"amount_{i}"] = (decimal)i;
        }

        filler.Pending(Change(Lines, 'c', 10, wide));

        await filler.FillAsync(Documents, Unchanged(Row(("id", 1L)), "body"), null, CancellationToken.None);
        await filler.FillAsync(Lines, Unchanged(Row(("order_id", 1L), ("line_no", 1)), "body"), null, CancellationToken.None);

        Assert.Equal(2, _warehouse.Queries.Count);
    }

    [Fact]
    public async Task Bronze_is_asked_for_the_newest_surviving_version_of_the_key()
    {
        var filler = Filler();
        _warehouse.Answer = (_, _) => [["from bronze"]];

        var filled = await filler.FillAsync(Lines, Unchanged(Row(("order_id", 7L), ("line_no", 3)), "body"), null, CancellationToken.None);

        Assert.Equal("from bronze", filled["body"]);
        var (sql, parameters) = Assert.Single(_warehouse.Queries);
        Assert.StartsWith("SELECT \"body\" FROM \"bronze\".\"operations__lines\" WHERE \"order_id\" = $1 AND \"line_no\" = $2 ", sql, StringComparison.Ordinal);
        Assert.Contains("_op IN ('r', 'c', 'u')", sql, StringComparison.Ordinal);
        Assert.EndsWith("ORDER BY _lsn DESC, _seq DESC LIMIT 1", sql, StringComparison.Ordinal);
        Assert.Equal([7L, 3], parameters);
    }

    [Fact]
    public async Task A_row_bronze_has_never_seen_gets_null()
    {
        var filler = Filler();

        var filled = await filler.FillAsync(Documents, Unchanged(Row(("id", 1L)), "body"), null, CancellationToken.None);

        Assert.Null(filled["body"]);
        Assert.Single(_warehouse.Queries);
    }

    [Fact]
    public async Task Without_a_primary_key_the_value_is_null_and_a_warning_names_table_and_column()
    {
        var filler = Filler();
        var keyless = new SourceTable("operations", "events", [Column("kind", "text"), Column("payload", "jsonb")]);
        filler.Pending(Change(keyless, 'c', 10, Row(("kind", "k"), ("payload", LargeBody))));

        var filled = await filler.FillAsync(keyless, Unchanged(Row(("kind", "k")), "payload"), null, CancellationToken.None);

        Assert.Null(filled["payload"]);
        Assert.Empty(_warehouse.Queries);
        var warning = Assert.Single(_console.Warnings);
        Assert.Contains("operations.events", warning, StringComparison.Ordinal);
        Assert.Contains("payload", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_duckdb_bronze_answers_with_the_latest_version_by_lsn_then_sequence()
    {
        using var folder = new ProjectFolder();
        await using var warehouse = await DuckDbWarehouse.OpenAsync(Path.Combine(folder.Path, "warehouse.duckdb"));
        await warehouse.ExecuteAsync("CREATE SCHEMA bronze");
        await warehouse.ExecuteAsync("CREATE TABLE bronze.operations__documents (id BIGINT, title VARCHAR, body VARCHAR, attachment BLOB, _op VARCHAR, _lsn BIGINT, _seq INTEGER)");
        await warehouse.ExecuteAsync("""
            INSERT INTO bronze.operations__documents VALUES
              (1, 't', 'snapshot', NULL, 'r', 10, 0),
              (1, 't', 'second',   NULL, 'u', 20, 0),
              (1, 't', 'third',    NULL, 'u', 20, 1),
              (1, 't', 'earlier',  NULL, 'u', 15, 9),
              (2, 't', 'other key', NULL, 'u', 99, 0),
              (1, NULL, NULL,      NULL, 't', 90, 0)
            """);
        var filler = new ToastFiller(warehouse, _console);

        var filled = await filler.FillAsync(Documents, Unchanged(Row(("id", 1L), ("title", "t")), "body"), null, CancellationToken.None);

        Assert.Equal("third", filled["body"]);
    }

    private ToastFiller Filler() => new(_warehouse, _console);

    private static Dictionary<string, object?> Unchanged(Dictionary<string, object?> values, params string[] columns)
    {
        foreach (var column in columns)
        {
            ToastFiller.MarkUnchanged(values, column);
        }

        return values;
    }

    private static Change Change(SourceTable table, char operation, ulong lsn, Dictionary<string, object?> values) =>
        new(table, operation, values, lsn, 0, 1, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
}
