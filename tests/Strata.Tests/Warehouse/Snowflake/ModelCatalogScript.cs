using System.Globalization;
using System.Text.RegularExpressions;
using static Strata.Tests.Warehouse.Snowflake.SqlApiShapes;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// Answers the reads a model build sends (catalog, counts, column probes, newest change, resets, watermarks) as an
/// account holding the given relations would, so that <c>strata build</c> runs through against
/// <see cref="FakeSnowflakeAccount"/>, which runs no SQL. Everything else gets the account's default answer.
/// </summary>
public sealed partial class ModelCatalogScript
{
    /// <summary>The changelog columns every changelog batch carries.</summary>
    public static readonly string[] ChangelogColumns = ["_op", "_lsn", "_seq", "_commit_ts"];

    /// <summary>The source commit time of the newest change, as the SQL API writes a <c>timestamp_tz</c>: seconds, then the offset in minutes + 1440.</summary>
    public const string NewestCommit = "1764577800.000000000 1440";

    /// <summary>Columns of each model's select (lower case), by model: what a probe of its staged batch answers.</summary>
    public required IReadOnlyDictionary<string, string[]> BatchColumns { get; init; }

    /// <summary>Relations that exist, <c>SCHEMA.NAME</c> (stored, upper case) → <c>BASE TABLE</c> or <c>VIEW</c>.</summary>
    public IReadOnlyDictionary<string, string> Relations { get; init; } = new Dictionary<string, string>();

    /// <summary>Columns of existing tables, <c>SCHEMA.NAME</c> → stored column names (typed by name: see <see cref="StoredColumn"/>).</summary>
    public IReadOnlyDictionary<string, string[]> Columns { get; init; } = new Dictionary<string, string[]>();

    /// <summary>Watermarks kept in <c>_strata.model_state</c>, by model.</summary>
    public IReadOnlyDictionary<string, (long Lsn, long Seq)> Watermarks { get; init; } = new Dictionary<string, (long, long)>();

    /// <summary>Whether each batch holds a TRUNCATE (a reset at <c>(110, 2)</c>).</summary>
    public bool Truncated { get; init; }

    /// <summary>The answer to <paramref name="request"/>, or null for the account's default.</summary>
    public FakeAnswer? Answer(FakeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Statement is not { } sql || sql.StartsWith("BEGIN TRANSACTION", StringComparison.Ordinal))
        {
            return null;
        }

        if (sql.StartsWith("SELECT max(", StringComparison.Ordinal))
        {
            return ResultSet("max", [Column("MAX(VERSION)", "fixed", 0)], [[null]]);
        }

        if (sql.Contains("information_schema.columns", StringComparison.Ordinal))
        {
            var names = Columns.GetValueOrDefault($"{Binding(request, 1)}.{Binding(request, 2)}") ?? [];
            return ResultSet("columns",
                [Column("COLUMN_NAME", "text"), Column("DATA_TYPE", "text"), Column("NUMERIC_PRECISION", "fixed", 0), Column("NUMERIC_SCALE", "fixed", 0), Column("CHARACTER_MAXIMUM_LENGTH", "fixed", 0)],
                names.Select(StoredColumn).ToArray());
        }

        if (sql.Contains("information_schema.tables", StringComparison.Ordinal))
        {
            return ResultSet("tables", [Column("TABLE_TYPE", "text")],
                Relations.TryGetValue($"{Binding(request, 1)}.{Binding(request, 2)}", out var kind) ? [[kind]] : []);
        }

        if (sql.EndsWith("LIMIT 0", StringComparison.Ordinal) && StagedBatch().Match(sql) is { Success: true } staged)
        {
            var columns = BatchColumns[staged.Groups["model"].Value.ToLowerInvariant()];
            return ResultSet("probe", columns.Select(c => Column(c.ToUpperInvariant(), c == "_commit_ts" ? "timestamp_tz" : "text", c == "_commit_ts" ? 9 : null)).ToArray(), []);
        }

        if (sql.Contains("count(*) OVER ()", StringComparison.Ordinal))
        {
            return ResultSet("newest", [Column("_LSN", "fixed", 0), Column("_SEQ", "fixed", 0), Column("_COMMIT_TS", "timestamp_tz", 9), Column("COUNT(*) OVER ()", "fixed", 0)],
                [["120", "3", NewestCommit, "5"]]);
        }

        if (sql.Contains("WHERE _op = 't'", StringComparison.Ordinal))
        {
            return ResultSet("resets", [Column("_LSN", "fixed", 0), Column("_SEQ", "fixed", 0), Column("_COMMIT_TS", "timestamp_tz", 9)],
                Truncated ? [["110", "2", "1764577700.000000000 1440"]] : []);
        }

        if (sql.StartsWith("SELECT lsn, seq FROM", StringComparison.Ordinal))
        {
            return ResultSet("watermark", [Column("LSN", "fixed", 0), Column("SEQ", "fixed", 0)],
                Watermarks.TryGetValue(Binding(request, 1)!, out var w) ? [[w.Lsn.ToString(CultureInfo.InvariantCulture), w.Seq.ToString(CultureInfo.InvariantCulture)]] : []);
        }

        if (sql.StartsWith("SELECT count(*) FROM", StringComparison.Ordinal))
        {
            // A data test's failing rows: none; anything else: a few rows.
            return ResultSet("count", [Column("COUNT(*)", "fixed", 0)], [[sql.EndsWith("AS failing", StringComparison.Ordinal) ? "0" : "4"]]);
        }

        return null;
    }

    /// <summary>A row of information_schema.columns: <c>NAME</c> and <c>DBT_SCD_ID</c> text, times (<c>…_AT</c>, <c>DBT_VALID_…</c>) TIMESTAMP_TZ, the rest NUMBER.</summary>
    private static string?[] StoredColumn(string name) =>
        name is "NAME" or "DBT_SCD_ID" ? [name, "TEXT", null, null, "16777216"]
        : name.EndsWith("_AT", StringComparison.Ordinal) || name.StartsWith("DBT_VALID_", StringComparison.Ordinal) ? [name, "TIMESTAMP_TZ", null, null, null]
        : [name, "NUMBER", "19", "0", null];

    private static string? Binding(FakeRequest request, int index) =>
        request.Body!.Value.TryGetProperty("bindings", out var bindings) ? bindings.GetProperty(index.ToString(CultureInfo.InvariantCulture)).GetProperty("value").GetString() : null;

    [GeneratedRegex(@"""STRATA_(?:BATCH|SNAPSHOT)__(?<model>[A-Z0-9_]+?)__[0-9A-F]{8}""")]
    private static partial Regex StagedBatch();
}
