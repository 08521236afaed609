using System.Globalization;
using System.Text.Json;
using Npgsql;
using Strata.Ingestion.Catalog;
using Strata.Source;
using Strata.Tests.Source;

namespace Strata.Tests.Ingestion;

/// <summary>
/// Every PostgreSQL built-in type family through the snapshot and the stream, per warehouse engine. The oracle is the
/// source's own text output (<c>format('%s', col)</c>, TimeZone UTC); bronze values are read back and rendered to that
/// form by <see cref="PostgresText"/> (docs/types.md), and the snapshot and stream rows of one source value must agree.
/// </summary>
public abstract class TypeRoundTripTests(string engine) : SharedServerTest($"types_{engine}", initialize: true)
{
    /// <summary>Column, type, and one SQL expression per row (NULL where a column has fewer values).</summary>
    private static readonly (string Name, string Type, string[] Values)[] Columns =
    [
        ("n", "numeric", ["12345678901234567.0123456789", "1.50", "-0.000001", "0"]),
        ("n52", "numeric(5,2)", ["123.45", "-0.50", "0"]),
        ("n280", "numeric(28,0)", ["1234567890123456789012345678", "-1"]),
        ("n3810", "numeric(38,10)", ["123456789012345678.0123456789", "-0.0000000001"]),
        ("n402", "numeric(40,2)", ["12345678901234567890.12", "-0.01", "0.00"]),
        ("n5020", "numeric(50,20)", ["123.45678901234567890123", "1.5"]),
        ("f4", "real", ["1.5", "'NaN'", "'Infinity'", "'-Infinity'", "1e6", "0.00001234567", "-0.0", "3.4028235e38"]),
        ("f8", "double precision", ["0.1", "'NaN'", "'Infinity'", "'-Infinity'", "1e15", "5e-324", "123456789012345.6", "-1.5e-7"]),
        ("b", "boolean", ["true", "false"]),
        ("i2", "smallint", ["-32768", "32767", "0"]),
        ("i4", "integer", ["-2147483648", "2147483647"]),
        ("i8", "bigint", ["-9223372036854775808", "9223372036854775807"]),
        ("tm", "time", ["'24:00:00'", "'00:00:00'", "'13:45:10.123456'", "'23:59:59.999999'"]),
        ("ttz", "timetz", ["'24:00:00+00'", "'13:45:10.5-03:30'"]),
        ("d", "date", ["'infinity'", "'-infinity'", "'9999-12-31'", "'0001-01-01'", "'2026-02-28'"]),
        ("ts", "timestamp", ["'infinity'", "'-infinity'", "'0001-01-01 00:00:00'", "'9999-12-31 23:59:59.999999'", "'2026-01-01 10:00:00.5'"]),
        ("tz", "timestamptz", ["'infinity'", "'-infinity'", "'2026-01-01 10:00:00+02'", "'0001-01-01 00:00:00+00'", "'9999-12-31 23:59:59.999999+00'"]),
        ("iv", "interval", ["'1 year 2 mons 3 days 04:05:06.789'", "'-1 days'", "'0'"]),
        ("mo", "money", ["12.34", "-0.01"]),
        ("ip", "inet", ["'10.1.2.3'", "'::1'", "'192.168.0.1/24'"]),
        ("cd", "cidr", ["'10.0.0.0/8'", "'2001:db8::/32'"]),
        ("mac", "macaddr", ["'08:00:2b:01:02:03'"]),
        ("mac8", "macaddr8", ["'08:00:2b:01:02:03:04:05'"]),
        ("bt", "bit(4)", ["B'1010'"]),
        ("vb", "bit varying", ["B'1'", "B''"]),
        ("u", "uuid", ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"]),
        ("j", "json", ["'{\"b\": 1,  \"a\": [1, 2], \"a\": 3}'", "'null'"]),
        ("jb", "jsonb", ["'{\"b\": 1,  \"a\": [1, 2]}'", "'\"text\"'"]),
        ("x", "xml", ["'<a b=\"1\">t &amp; u</a>'"]),
        ("arr", "integer[]", ["'{1,NULL,3}'", "'{{1,2},{3,4}}'", "'{}'"]),
        ("tarr", "text[]", ["ARRAY['a b', NULL, 'c\"d', '']"]),
        ("darr", "date[]", ["'{infinity,2026-01-01}'"]),
        ("r", "int4range", ["'[1,5)'", "'empty'"]),
        ("dr", "daterange", ["'[2026-01-01,infinity)'"]),
        ("nr", "numrange", ["'(1.5,2.25]'"]),
        ("mr", "int4multirange", ["'{[1,3), [5,7)}'", "'{}'"]),
        ("e", "types_mood", ["'happy'"]),
        ("dom", "types_positive", ["42"]),
        ("domt", "types_code", ["'AB-1'"]),
        ("comp", "types_pair", ["ROW(1, 'x y')::types_pair", "ROW(NULL, '')::types_pair"]),
        ("tsv", "tsvector", ["'a fat cat'"]),
        ("pt", "point", ["'(1.5,2)'"]),
        ("by", "bytea", ["'\\x00ff0000'", "'\\x'"]),
        ("t", "text", ["(SELECT string_agg(chr(c), '') FROM generate_series(1, 31) c) || chr(127) || 'é'", "''"]),
        ("ch", "char(5)", ["'ab'"]),
        ("vc", "varchar(10)", ["'short'"]),
    ];

    private static int RowCount => Columns.Max(c => c.Values.Length);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseWarehouseEngine(engine);
    }

    private Task UsePipelineAsync(string name) => UsePipelineAsync(engine, name);

    private Task SourceAsync(string sql) => Server.ExecuteAsync(sql, Project.Database);

    private async Task IngestOnceAsync()
    {
        var result = await Project.RunAsync("ingest", "--once");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static string InsertRows(string path) => InsertRows("all_types", Columns, path);

    private static string InsertRows(string table, (string Name, string Type, string[] Values)[] columns, string path) =>
        string.Join("\n", Enumerable.Range(0, columns.Max(c => c.Values.Length)).Select(row =>
            $"INSERT INTO operations.{table} (variant, path, {string.Join(", ", columns.Select(c => c.Name))}) VALUES ({row}, '{path}', " +
            string.Join(", ", columns.Select(c => row < c.Values.Length ? $"{c.Values[row]}" : "NULL")) + ");"));

    private async Task CreateTableAsync()
    {
        await SourceAsync($"""
            SET search_path = operations, public;
            DROP TYPE IF EXISTS types_mood, types_pair CASCADE; DROP DOMAIN IF EXISTS types_positive, types_code CASCADE;
            CREATE TYPE types_mood AS ENUM ('sad', 'happy');
            CREATE TYPE types_pair AS (a int, b text);
            CREATE DOMAIN types_positive AS integer CHECK (VALUE > 0);
            CREATE DOMAIN types_code AS text CHECK (VALUE ~ '^[A-Z]+-[0-9]+$');
            CREATE TABLE operations.all_types (id serial PRIMARY KEY, variant int NOT NULL, path text NOT NULL,
                {string.Join(", ", Columns.Select(c => $"{c.Name} {c.Type}"))});
            """);
    }

    [Fact]
    public async Task Every_type_family_lands_as_the_source_writes_it_through_snapshot_and_stream()
    {
        await CreateTableAsync();
        await SourceAsync("SET search_path = operations, public;\n" + InsertRows("snapshot"));
        await UsePipelineAsync("roundtrip");
        await IngestOnceAsync();
        await SourceAsync("SET search_path = operations, public;\n" + InsertRows("stream"));
        await IngestOnceAsync();

        Assert.Equal(2 * RowCount, await AssertLandedAsTheSourceWroteAsync("all_types"));
        await Reconciled.AssertEqualAsync(Project, tables: 5);
    }

    [Fact]
    public async Task Binary_values_land_as_the_snapshot_lands_them_and_a_column_without_a_binary_reader_turns_the_stream_to_text()
    {
        // Every built-in scalar type binary pgoutput is asked for, with its edge values (infinity, 24:00, NaN floats, -0).
        var binary = Columns.Where(c => c.Name is "n" or "n52" or "n280" or "f4" or "f8" or "b" or "i2" or "i4" or "i8" or "tm" or "d" or "ts" or "tz" or "u" or "by" or "t" or "ch" or "vc").ToArray();
        await SourceAsync($"CREATE TABLE operations.binary_types (id serial PRIMARY KEY, variant int NOT NULL, path text NOT NULL, {string.Join(", ", binary.Select(c => $"{c.Name} {c.Type}"))});" +
            InsertRows("binary_types", binary, "snapshot"));
        await UsePipelineAsync("binary");
        Project.Environment["STRATA_INGEST_BINARY"] = "true";
        await IngestOnceAsync();
        await SourceAsync(InsertRows("binary_types", binary, "stream"));

        Assert.Equal("binary", await IngestOnceValuesAsync());
        Assert.Equal(2 * binary.Max(c => c.Values.Length), await AssertLandedAsTheSourceWroteAsync("binary_types"));

        // A column only the text form carries exactly: the stream starts again as text from the checkpoint, losing nothing.
        await SourceAsync("ALTER TABLE operations.binary_types ADD COLUMN jb jsonb; " +
            "INSERT INTO operations.binary_types (variant, path, i8, jb) VALUES (0, 'text', 7, '{\"b\": 1, \"a\": 2}'); UPDATE operations.binary_types SET b = NOT b WHERE variant = 1");
        Assert.Equal("text", await IngestOnceValuesAsync());
        Assert.Equal(
            await BronzeReader.SourceAsync(Server, Project.Database, "binary_types", "id", "id, path, b, i8, jb"),
            await BronzeReader.StateAsync(Project, "binary_types", "id", "id, path, b, i8, jb"));
        await Reconciled.AssertEqualAsync(Project, tables: 5);
    }

    /// <summary>How <c>strata ingest --once --json</c> says the stream carried values: binary or text.</summary>
    private async Task<string?> IngestOnceValuesAsync()
    {
        var result = await Project.RunAsync("ingest", "--once", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        return json.RootElement.GetProperty("values").GetString();
    }

    /// <summary>
    /// Every bronze row of <paramref name="name"/> renders to the source's own text of it, and the snapshot and the
    /// stream land the same value for the same source value; returns the rows compared.
    /// </summary>
    private async Task<int> AssertLandedAsTheSourceWroteAsync(string name)
    {
        var table = await CatalogTableAsync(name);
        var expected = await SourceTextAsync(table);
        var landed = await BronzeTextAsync(table);

        var differences = new List<string>();
        foreach (var (id, bronze) in landed)
        {
            var source = expected[id];
            for (var i = 0; i < table.Columns.Count; i++)
            {
                if (source[i] != bronze.Text[i])
                {
                    differences.Add($"{bronze.Path} row {id} {table.Columns[i].Name} ({table.Columns[i].SourceType}): source {Show(source[i])}, bronze {Show(bronze.Text[i])}");
                }
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));

        // The snapshot and the stream produce the same bronze value (not only the same text) for the same source value.
        foreach (var snapshot in landed.Values.Where(r => r.Path == "snapshot"))
        {
            var stream = landed.Values.Single(r => r.Path == "stream" && r.Variant == snapshot.Variant);
            for (var i = 3; i < table.Columns.Count; i++)
            {
                Assert.True(Same(snapshot.Values[i], stream.Values[i]),
                    $"{table.Columns[i].Name} row {snapshot.Variant}: snapshot {Show(snapshot.Values[i])} ({snapshot.Values[i]?.GetType().Name}), stream {Show(stream.Values[i])} ({stream.Values[i]?.GetType().Name})");
            }
        }

        return landed.Count;
    }

    [Fact]
    public async Task Reconcile_reports_a_value_rewritten_in_bronze()
    {
        await SourceAsync("CREATE TABLE operations.rewritten (id int PRIMARY KEY, d date, ts timestamp, tm time); " +
            "INSERT INTO operations.rewritten VALUES (1, 'infinity', '-infinity', '24:00:00'), (2, '2026-01-01', '2026-01-01 10:00:00', '10:00:00')");
        await UsePipelineAsync("rewritten");
        await IngestOnceAsync();
        await Reconciled.AssertEqualAsync(Project, tables: 5);

        // What the old snapshot did to infinity: a clamp to the largest date. Reconcile must see it.
        await using (var warehouse = await BronzeReader.OpenAsync(Project))
        {
            await warehouse.ExecuteAsync("UPDATE bronze.operations__rewritten SET d = DATE '9999-12-31' WHERE id = 1");
        }

        var reconcile = await Project.RunAsync("reconcile", "--json");
        Assert.Equal(1, reconcile.ExitCode);
        using var json = JsonDocument.Parse(reconcile.Output);
        Assert.False(json.RootElement.GetProperty("equal").GetBoolean(), reconcile.Output);
        var rewritten = json.RootElement.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == "operations.rewritten");
        Assert.Equal(1, rewritten.GetProperty("mismatch_count").GetInt32());
        Assert.Equal("id=1: values differ", Assert.Single(rewritten.GetProperty("mismatches").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Reconcile_matches_identical_duplicate_rows_of_a_table_without_a_key()
    {
        await SourceAsync("CREATE TABLE operations.keyless (a int, b text); ALTER TABLE operations.keyless REPLICA IDENTITY FULL; " +
            "INSERT INTO operations.keyless VALUES (1, 'x'), (1, 'x'), (2, NULL)");
        await UsePipelineAsync("keyless");
        await IngestOnceAsync();
        await SourceAsync("INSERT INTO operations.keyless VALUES (1, 'x'), (2, NULL)");
        await IngestOnceAsync();
        await Reconciled.AssertEqualAsync(Project, tables: 5);

        // Updates and deletes of rows without a key: one of three identical rows deleted, two identical rows updated.
        await SourceAsync("DELETE FROM operations.keyless WHERE ctid = (SELECT min(ctid) FROM operations.keyless WHERE a = 1)");
        await SourceAsync("UPDATE operations.keyless SET b = 'y' WHERE a = 2");
        await IngestOnceAsync();

        await Reconciled.AssertEqualAsync(Project, tables: 5);
        // An update without a key lands as the old row's delete and the new row's insert: nothing of the old row is lost.
        var ops = await BronzeReader.QueryAsync(Project, "SELECT _op, count(*) FROM bronze.operations__keyless WHERE _op IN ('u', 'd') GROUP BY _op ORDER BY _op");
        Assert.Equal([("d", 3L)], ops.Select(r => ((string)r[0]!, Convert.ToInt64(r[1], CultureInfo.InvariantCulture))));
    }

    [Theory]
    [InlineData("numeric", "'NaN'")]
    [InlineData("numeric", "'Infinity'")]
    [InlineData("numeric", "'-Infinity'")]
    [InlineData("date", "'0044-03-15 BC'")]
    [InlineData("timestamp", "'10000-01-01 00:00:00'")]
    public async Task A_value_bronze_cannot_hold_exactly_quarantines_its_table_in_the_snapshot_and_the_stream(string type, string value)
    {
        await SourceAsync($"CREATE TABLE operations.unholdable (id int PRIMARY KEY, v {type})");
        await UsePipelineAsync("unholdable_stream");
        await IngestOnceAsync();
        await SourceAsync($"INSERT INTO operations.unholdable VALUES (1, {value})");

        var streamed = await Project.RunAsync("ingest", "--once");
        await UsePipelineAsync("unholdable_snapshot");
        var snapshotted = await Project.RunAsync("ingest", "--once");

        // In the snapshot and in the stream alike the value quarantines the table, never the others: one error line
        // naming the table, one warning naming the column.
        foreach (var result in new[] { streamed, snapshotted })
        {
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Contains("operations.unholdable", Assert.Single(result.ErrorLines, l => l.StartsWith("error:", StringComparison.Ordinal)), StringComparison.Ordinal);
            Assert.Contains("operations.unholdable.v", Assert.Single(result.ErrorLines, l => l.StartsWith("warning:", StringComparison.Ordinal)), StringComparison.Ordinal);
        }

        // The snapshot's other tables landed and streaming began: the pipeline has a checkpoint.
        var checkpoint = await BronzeReader.QueryAsync(Project, $"SELECT confirmed_lsn FROM _strata.checkpoints WHERE pipeline = '{Project.Environment["STRATA_INGEST_PIPELINE"]}'");
        Assert.NotNull(Assert.Single(checkpoint)[0]);
        var snapshotRecords = await BronzeReader.QueryAsync(Project,
            $"SELECT table_name FROM _strata.snapshots WHERE pipeline = '{Project.Environment["STRATA_INGEST_PIPELINE"]}' ORDER BY table_name");
        Assert.Contains("operations__orders", snapshotRecords.Select(r => (string)r[0]!));
        Assert.DoesNotContain("operations__unholdable", snapshotRecords.Select(r => (string)r[0]!));
    }

    private async Task<SourceTable> CatalogTableAsync(string name)
    {
        await using var connection = await Server.OpenAsync(Project.Database);
        var catalog = await SourceCatalog.ReadAsync(connection, SourceSettings.From(Project.LoadConfig()).Publication);
        return catalog.Single(t => t.Name == name);
    }

    /// <summary>The oracle: PostgreSQL's own text output of every column, NULL kept, in UTC.</summary>
    private async Task<Dictionary<int, string?[]>> SourceTextAsync(SourceTable table)
    {
        await using var connection = await Server.OpenAsync(Project.Database);
        await using (var utc = new NpgsqlCommand("SET TimeZone = 'UTC'", connection))
        {
            await utc.ExecuteNonQueryAsync();
        }

        var select = string.Join(", ", table.Columns.Select(c => $"CASE WHEN \"{c.Name}\" IS NULL THEN NULL ELSE format('%s', \"{c.Name}\") END"));
        await using var command = new NpgsqlCommand($"SELECT {select} FROM operations.{table.Name}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<int, string?[]>();
        while (await reader.ReadAsync())
        {
            var row = table.Columns.Select((c, i) => PostgresText.Canonical(reader.IsDBNull(i) ? null : reader.GetString(i), c)).ToArray();
            rows[int.Parse(row[0]!, CultureInfo.InvariantCulture)] = row;
        }

        return rows;
    }

    private sealed record BronzeRow(string Path, int Variant, object?[] Values, string?[] Text);

    private async Task<Dictionary<int, BronzeRow>> BronzeTextAsync(SourceTable table)
    {
        var columns = string.Join(", ", table.Columns.Select(c => $"\"{c.Name}\""));
        var rows = await BronzeReader.QueryAsync(Project, $"SELECT {columns} FROM bronze.operations__{table.Name} WHERE _op IN ('r', 'c')");
        return rows.ToDictionary(
            r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture),
            r => new BronzeRow((string)r[2]!, Convert.ToInt32(r[1], CultureInfo.InvariantCulture), r, r.Select((v, i) => PostgresText.Render(v, table.Columns[i])).ToArray()));
    }

    private static bool Same(object? a, object? b) => a is byte[] x && b is byte[] y ? x.AsSpan().SequenceEqual(y) : Equals(a, b);

    private static string Show(object? value) => value switch
    {
        null => "NULL",
        byte[] bytes => Convert.ToHexString(bytes),
        _ => JsonSerializer.Serialize(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };
}

public sealed class DuckDbTypeRoundTripTests() : TypeRoundTripTests("duckdb");

public sealed class PostgresTypeRoundTripTests() : TypeRoundTripTests("postgres");
