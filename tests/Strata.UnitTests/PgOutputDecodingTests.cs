using Strata.Ingestion;
using Strata.Ingestion.Catalog;
using Strata.Ingestion.Streaming;
using Strata.Output;
using Strata.UnitTests.Support;

namespace Strata.UnitTests;

/// <summary>
/// pgoutput (protocol 1, text values) as the decoder sees it: each value in PostgreSQL's text output form, parsed
/// for the column's bronze type, and the messages of a transaction assembled into one <see cref="CommittedTransaction"/>.
/// Npgsql's message classes cannot be built outside Npgsql, so the tests drive the decoder through what the
/// messages carry (Begin, Relate, Add, Commit).
/// </summary>
public sealed class PgOutputDecodingTests : IDisposable
{
    private static readonly SourceTable Accounts = new("operations", "accounts",
    [
        Column("id", "int8", isKey: true),
        Column("name", "text"),
        Column("note", "text"),
    ]);

    private static readonly SourceTable Payments = new("operations", "payments",
    [
        Column("payment_id", "int4", isKey: true),
        Column("amount", "numeric", Typmod(12, 2)),
    ]);

    private static readonly DateTime CommitTime = new(2026, 3, 1, 9, 30, 15, 250, DateTimeKind.Utc);

    private readonly ProjectFolder _spill = new();

    public void Dispose() => _spill.Dispose();

    // ---- values in PostgreSQL's text output form ----

    [Theory]
    [InlineData("bool", "t", true)]
    [InlineData("bool", "f", false)]
    [InlineData("int2", "-32768", (short)-32768)]
    [InlineData("int4", "2147483647", 2147483647)]
    [InlineData("int8", "-9223372036854775808", long.MinValue)]
    [InlineData("float4", "1.5", 1.5f)]
    [InlineData("float8", "0.1", 0.1)]
    [InlineData("float8", "1e+308", 1e308)]
    [InlineData("float8", "-2.5e-05", -0.000025)]
    public void Scalars_parse_to_their_clr_types(string typeName, string text, object expected)
    {
        var value = Parse(typeName, text);

        Assert.IsType(expected.GetType(), value);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("float4", "NaN", float.NaN)]
    [InlineData("float4", "Infinity", float.PositiveInfinity)]
    [InlineData("float4", "-Infinity", float.NegativeInfinity)]
    public void Real_keeps_nan_and_infinities(string typeName, string text, float expected)
    {
        Assert.Equal(expected, Assert.IsType<float>(Parse(typeName, text)));
    }

    [Theory]
    [InlineData("NaN", double.NaN)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    public void Double_precision_keeps_nan_and_infinities(string text, double expected)
    {
        Assert.Equal(expected, Assert.IsType<double>(Parse("float8", text)));
    }

    [Theory]
    [InlineData(12, 2, "12345678.90", "12345678.90")]
    [InlineData(12, 2, "-0.05", "-0.05")]
    [InlineData(38, 10, "1234567890123456.7890123456", "1234567890123456.7890123456")]
    [InlineData(-1, -1, "0.000001", "0.000001")]
    [InlineData(-1, -1, "-1234567890123456789012345678", "-1234567890123456789012345678")]
    public void Numerics_are_exact_with_their_scale(int precision, int scale, string text, string expected)
    {
        var column = precision < 0 ? Column("amount", "numeric") : Column("amount", "numeric", Typmod(precision, scale));

        var value = Assert.IsType<decimal>(ValueConversion.Parse(text, column, Payments));

        // decimal keeps trailing zeros: the text shows the scale survived, not only the value.
        Assert.Equal(expected, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Date_parses_to_a_date_only()
    {
        Assert.Equal(new DateOnly(2024, 2, 29), Parse("date", "2024-02-29"));
    }

    [Fact]
    public void Time_keeps_microseconds()
    {
        // 13:45:10.123456 = 13 h 45 min 10 s and 1 234 560 ticks of 100 ns.
        var expected = new TimeSpan(13, 45, 10).Add(TimeSpan.FromTicks(1_234_560));

        Assert.Equal(expected, Parse("time", "13:45:10.123456"));
    }

    [Fact]
    public void Time_keeps_24_00_and_dates_keep_their_infinities()
    {
        // TimeSpan, because PostgreSQL's time includes 24:00:00; Infinite, never a clamp to 9999-12-31.
        Assert.Equal(TimeSpan.FromHours(24), Parse("time", "24:00:00"));
        Assert.Equal(Strata.Warehouse.Infinite.Positive, Parse("date", "infinity"));
        Assert.Equal(Strata.Warehouse.Infinite.Negative, Parse("timestamp", "-infinity"));
        Assert.Equal(Strata.Warehouse.Infinite.Positive, Parse("timestamptz", "infinity"));
    }

    [Fact]
    public void Timestamp_keeps_microseconds_and_no_zone()
    {
        var value = Assert.IsType<DateTime>(Parse("timestamp", "2024-01-02 03:04:05.678901"));

        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5).AddTicks(6_789_010), value);
        Assert.Equal(DateTimeKind.Unspecified, value.Kind);
    }

    [Theory]
    [InlineData("2024-01-02 03:04:05+02", "2024-01-02T01:04:05.0000000Z")]
    [InlineData("2024-01-02 03:04:05+00", "2024-01-02T03:04:05.0000000Z")]
    [InlineData("2024-07-01 12:00:00.5-05:30", "2024-07-01T17:30:00.5000000Z")]
    [InlineData("2023-12-31 23:59:59.999999-01", "2024-01-01T00:59:59.9999990Z")]
    public void Timestamptz_is_stored_in_utc(string text, string expectedUtc)
    {
        var value = Assert.IsType<DateTime>(Parse("timestamptz", text));

        Assert.Equal(DateTimeKind.Utc, value.Kind);
        Assert.Equal(expectedUtc, value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Uuid_parses_to_a_guid()
    {
        Assert.Equal(new Guid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), Parse("uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
    }

    [Theory]
    [InlineData(@"\x0001ff7f", new byte[] { 0x00, 0x01, 0xff, 0x7f })]
    [InlineData(@"\x", new byte[0])]
    public void Bytea_in_hex_form_becomes_its_bytes(string text, byte[] expected)
    {
        Assert.Equal(expected, Parse("bytea", text));
    }

    [Theory]
    [InlineData("bpchar", "ab   ")]
    [InlineData("varchar", "  leading and trailing  ")]
    [InlineData("text", "line\nbreak, \"quotes\", ünïcödé 🚀")]
    [InlineData("jsonb", "{\"a\": [1, 2], \"b\": null}")]
    [InlineData("_int4", "{1,2,3}")]
    [InlineData("_text", "{\"a b\",NULL,c}")]
    [InlineData("interval", "1 day 02:00:00")]
    [InlineData("int4range", "[1,10)")]
    [InlineData("timetz", "13:45:10.5+02")]
    [InlineData("my_enum", "PENDING")]
    public void Text_and_text_form_types_keep_the_exact_text(string typeName, string text)
    {
        Assert.Equal(text, Parse(typeName, text));
    }

    [Fact]
    public void A_null_stays_null_whatever_the_type()
    {
        Assert.All(new[] { "bool", "int4", "numeric", "date", "timestamptz", "uuid", "bytea", "text", "_int4" },
            t => Assert.Null(ValueConversion.Parse(null, Column("c", t), Accounts)));
    }

    [Fact]
    public void A_value_the_type_cannot_hold_names_table_column_value_and_the_resync()
    {
        var column = Column("balance", "int4") with { SourceType = "integer" };

        var error = Assert.Throws<IngestionException>(() => ValueConversion.Parse("2147483648", column, Accounts));

        Assert.Contains("'2147483648'", error.Message, StringComparison.Ordinal);
        Assert.Contains("operations.accounts.balance (integer)", error.Message, StringComparison.Ordinal);
        Assert.Contains("strata ingest --resync operations.accounts", error.Message, StringComparison.Ordinal);
        Assert.IsType<OverflowException>(error.InnerException);
    }

    [Fact]
    public void Numeric_nan_fails_loudly_instead_of_becoming_a_number()
    {
        var error = Assert.Throws<IngestionException>(() => ValueConversion.Parse("NaN", Column("amount", "numeric"), Payments));

        Assert.Contains("'NaN'", error.Message, StringComparison.Ordinal);
        Assert.Contains("operations.payments.amount", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_bad_value_is_cut_in_the_message()
    {
        var text = new string('9', 100);

        var error = Assert.Throws<IngestionException>(() => ValueConversion.Parse(text, Column("id", "int8"), Accounts));

        Assert.Contains($"'{new string('9', 57)}...'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(text, error.Message, StringComparison.Ordinal);
    }

    // ---- a transaction's messages ----

    [Fact]
    public void A_commit_hands_on_the_changes_in_order_with_the_transactions_position()
    {
        using var decoder = Decoder();
        decoder.Begin(0x16B3748, CommitTime, 771);
        decoder.Relate(16401, Accounts, ["id", "name", "note"]);
        decoder.Relate(16402, Payments, ["payment_id", "amount"]);
        decoder.Add(16401, 'c', Row(("id", 1L), ("name", "Ada")));
        decoder.Add(16402, 'c', Row(("payment_id", 7), ("amount", 12.50m)));
        decoder.Add(16401, 'u', Row(("id", 1L), ("name", "Ada L.")));
        decoder.Add(16401, 'd', Row(("id", 1L)));

        var transaction = decoder.Commit(0x16B3790);

        Assert.False(transaction.IsHeartbeat);
        Assert.Equal(0x16B3748UL, transaction.CommitLsn);
        Assert.Equal(0x16B3790UL, transaction.EndLsn);
        Assert.Equal(771, transaction.TransactionId);
        Assert.Equal(CommitTime, transaction.CommitTime);
        Assert.Null(transaction.Spill);
        Assert.Equal(["c:accounts:0", "c:payments:1", "u:accounts:2", "d:accounts:3"],
            transaction.Changes.Select(c => $"{c.Operation}:{c.Table.Name}:{c.Sequence}"));
        Assert.All(transaction.Changes, c =>
        {
            Assert.Equal(0x16B3748UL, c.Lsn);
            Assert.Equal(771, c.TransactionId);
            Assert.Equal(CommitTime, c.CommitTime);
        });
        Assert.Equal("Ada L.", transaction.Changes[2].Values["name"]);
    }

    [Fact]
    public void Sequence_numbers_start_again_with_each_transaction()
    {
        using var decoder = Decoder();
        decoder.Relate(16401, Accounts, ["id", "name", "note"]);
        decoder.Begin(100, CommitTime, 1);
        decoder.Add(16401, 'c', Row(("id", 1L)));
        decoder.Add(16401, 'c', Row(("id", 2L)));
        var first = decoder.Commit(110);

        decoder.Begin(200, CommitTime.AddSeconds(1), 2);
        decoder.Add(16401, 'c', Row(("id", 3L)));
        var second = decoder.Commit(210);

        Assert.Equal([0, 1], first.Changes.Select(c => c.Sequence));
        Assert.Equal([0], second.Changes.Select(c => c.Sequence));
        Assert.Equal(200UL, second.Changes[0].Lsn);
        Assert.Equal(2, second.TransactionId);
    }

    [Fact]
    public void A_transaction_without_changes_still_commits_its_position()
    {
        using var decoder = Decoder();
        decoder.Begin(300, CommitTime, 9);

        var transaction = decoder.Commit(350);

        Assert.Empty(transaction.Changes);
        Assert.Equal(300UL, transaction.CommitLsn);
        Assert.Equal(350UL, transaction.EndLsn);
    }

    [Fact]
    public void A_transaction_larger_than_the_budget_goes_on_in_a_spill_file_read_back_in_order()
    {
        using var decoder = Decoder(spillAfter: 3);
        decoder.Relate(16401, Accounts, ["id", "name", "note"]);
        decoder.Begin(500, CommitTime, 42);
        for (var i = 1; i <= 7; i++)
        {
            decoder.Add(16401, i % 2 == 0 ? 'u' : 'c', Row(("id", (long)i), ("name", $"n{i}"), ("note", null)));
        }

        var transaction = decoder.Commit(520);
        using var spill = transaction.Spill;

        Assert.Empty(transaction.Changes);
        Assert.NotNull(spill);
        Assert.Equal(7, spill.Count);
        var parts = spill.Read(4, transaction.CommitLsn, transaction.TransactionId, transaction.CommitTime).Select(p => p.ToList()).ToList();
        Assert.Equal([4, 3], parts.Select(p => p.Count));
        var changes = parts.SelectMany(p => p).ToList();
        Assert.Equal(Enumerable.Range(0, 7), changes.Select(c => c.Sequence));
        Assert.Equal("cucucuc", string.Concat(changes.Select(c => c.Operation)));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (object?)(long)i), changes.Select(c => c.Values["id"]));
        Assert.Equal("n5", changes[4].Values["name"]);
        Assert.Null(changes[4].Values["note"]);
        Assert.All(changes, c => Assert.Equal((500UL, 42L, CommitTime), (c.Lsn, c.TransactionId!.Value, c.CommitTime)));
        Assert.Same(Accounts, changes[0].Table);
    }

    [Fact]
    public void Streamed_transactions_interleave_with_others_and_land_whole_at_their_commit_without_what_they_rolled_back()
    {
        using var decoder = Decoder();
        decoder.Relate(16401, Accounts, ["id", "name", "note"]);
        decoder.StartStream(50);
        decoder.InSubtransaction(50);
        decoder.Add(16401, 'c', Row(("id", 1L)));
        decoder.InSubtransaction(51);
        decoder.Add(16401, 'c', Row(("id", 2L))); // in subtransaction 51, rolled back below
        decoder.StopStream();
        decoder.StartStream(60);
        decoder.InSubtransaction(60);
        decoder.Add(16401, 'c', Row(("id", 100L))); // another streamed transaction, aborted whole below
        decoder.StopStream();

        // An ordinary transaction between the blocks is handed on at its own commit, untouched by the streams.
        decoder.Begin(700, CommitTime, 70);
        decoder.Add(16401, 'c', Row(("id", 3L)));
        var ordinary = decoder.Commit(710);

        decoder.StartStream(50);
        decoder.InSubtransaction(50);
        decoder.Add(16401, 'u', Row(("id", 1L), ("name", "later")));
        decoder.StopStream();
        decoder.AbortStream(50, 51);
        decoder.AbortStream(60, 60);
        Assert.Equal(1, decoder.OpenStreams);
        var streamed = decoder.CommitStream(50, 900, 910, CommitTime.AddSeconds(5));
        using var spill = streamed.Spill!;

        Assert.Equal([3L], ordinary.Changes.Select(c => c.Values["id"]));
        Assert.Equal((900UL, 910UL, 50L), (streamed.CommitLsn, streamed.EndLsn, streamed.TransactionId!.Value));
        var changes = spill.Read(10, streamed.CommitLsn, streamed.TransactionId, streamed.CommitTime).SelectMany(p => p).ToList();
        Assert.Equal(["c:1:0", "u:1:2"], changes.Select(c => $"{c.Operation}:{c.Values["id"]}:{c.Sequence}"));
        Assert.All(changes, c => Assert.Equal((900UL, CommitTime.AddSeconds(5)), (c.Lsn, c.CommitTime)));
        Assert.Equal(0, decoder.OpenStreams);
    }

    [Fact]
    public void Spilled_values_keep_their_types()
    {
        var values = Row(
            ("id", 9_007_199_254_740_993L), ("i", 7), ("s", (short)-3), ("m", 123.4500m), ("b", true), ("d", 0.1), ("f", 1.5f),
            ("ts", new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(7)), ("day", new DateOnly(2024, 2, 29)),
            ("t", new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9))), ("t24", TimeSpan.FromHours(24)), ("inf", Strata.Warehouse.Infinite.Negative), ("g", new Guid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
            ("bytes", new byte[] { 0, 255 }), ("text", "ünï\ncode"), ("nothing", null));
        using var decoder = Decoder(spillAfter: 1);
        decoder.Relate(16401, Accounts, ["id"]);
        decoder.Begin(1, CommitTime, 1);
        decoder.Add(16401, 'c', values);

        using var spill = decoder.Commit(2).Spill!;
        var back = spill.Read(10, 1, 1, CommitTime).Single().Single().Values;

        Assert.Equal(values.Keys, back.Keys);
        foreach (var (name, value) in values)
        {
            Assert.Equal(value, back[name]);
            Assert.Equal(value?.GetType(), back[name]?.GetType());
        }

        Assert.Equal(123.4500m.ToString(System.Globalization.CultureInfo.InvariantCulture), ((decimal)back["m"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeKind.Utc, ((DateTime)back["ts"]!).Kind);
    }

    [Fact]
    public void A_transaction_whose_commit_never_came_leaves_no_spill_file()
    {
        using (var decoder = Decoder(spillAfter: 2))
        {
            decoder.Relate(16401, Accounts, ["id", "name", "note"]);
            decoder.Begin(1, CommitTime, 1);
            decoder.Add(16401, 'c', Row(("id", 1L)));
            decoder.Add(16401, 'c', Row(("id", 2L)));
            decoder.Add(16401, 'c', Row(("id", 3L)));
            Assert.Single(Directory.GetFiles(_spill.Path, "*.spill"));

            // The stream starts the transaction again (a reconnect): the half-written file goes.
            decoder.Begin(1, CommitTime, 1);
            Assert.Empty(Directory.GetFiles(_spill.Path, "*.spill"));
            decoder.Add(16401, 'c', Row(("id", 1L)));
            decoder.Add(16401, 'c', Row(("id", 2L)));
            decoder.Add(16401, 'c', Row(("id", 3L)));
            Assert.Single(Directory.GetFiles(_spill.Path, "*.spill"));
        }

        Assert.Empty(Directory.GetFiles(_spill.Path, "*.spill"));
    }

    [Fact]
    public async Task A_large_row_of_a_transaction_is_remembered_for_a_later_unchanged_toast_value()
    {
        var warehouse = new RecordingWarehouse();
        using var decoder = Decoder(warehouse: warehouse);
        var document = new string('x', 5000);
        decoder.Relate(16401, Accounts, ["id", "name", "note"]);
        decoder.Begin(10, CommitTime, 1);
        decoder.Add(16401, 'c', Row(("id", 1L), ("name", "Ada"), ("note", document)));
        decoder.Commit(11);

        var update = Row(("id", 1L), ("name", "Ada L."));
        ToastFiller.MarkUnchanged(update, "note");
        var filled = await decoder.ToastFiller.FillAsync(Accounts, update, null, CancellationToken.None);

        Assert.Equal(document, filled["note"]);
        Assert.Equal("Ada L.", filled["name"]);
        Assert.Empty(warehouse.Queries);
    }

    private PgOutputDecoder Decoder(int spillAfter = 1000, RecordingWarehouse? warehouse = null) =>
        new((_, _) => throw new InvalidOperationException("no relation messages in these tests"),
            new ToastFiller(warehouse ?? new RecordingWarehouse(), NullConsole.Instance), _spill.Path, spillAfter);

    private static object? Parse(string typeName, string text) => ValueConversion.Parse(text, Column("c", typeName), Accounts);

    internal static SourceColumn Column(string name, string typeName, int typmod = -1, bool isKey = false)
    {
        var (type, castToText) = TypeMapping.Map(typeName, "U", typmod);
        return new SourceColumn(name, typeName, type, castToText, isKey, 0, typmod);
    }

    /// <summary>PostgreSQL's typmod of numeric(p,s): ((p &lt;&lt; 16) | s) + VARHDRSZ (4).</summary>
    internal static int Typmod(int precision, int scale) => ((precision << 16) | scale) + 4;

    internal static Dictionary<string, object?> Row(params (string Name, object? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
}
