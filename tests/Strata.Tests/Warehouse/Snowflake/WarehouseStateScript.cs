using System.Globalization;
using static Strata.Tests.Warehouse.Snowflake.SqlApiShapes;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// A small stateful stand-in for the account behind <see cref="FakeSnowflakeAccount"/>, which runs no SQL: it
/// remembers the tables and columns the statements it has seen created, added, widened and renamed, and the
/// <c>_strata</c> rows ingestion reads back (schema version, checkpoints, snapshot records, bronze source types, the
/// warehouse identity), and answers those reads as Snowflake would, so that <c>strata ingest</c>, <c>strata reconcile</c>
/// and <c>strata report</c> run through. Any other read gets no rows: bronze, silver and gold hold nothing here.
/// </summary>
public sealed partial class WarehouseStateScript
{
    private readonly Lock _lock = new();

    /// <summary>The answer to <paramref name="request"/>, or null for the account's default.</summary>
    public FakeAnswer? Answer(FakeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.IsSubmit || request.Statement is not { } sql)
        {
            return null;
        }

        lock (_lock)
        {
            var multi = request.Body!.Value.GetProperty("parameters").TryGetProperty("MULTI_STATEMENT_COUNT", out _);
            foreach (var statement in multi ? sql.Split(";\n") : [Inlined(request)])
            {
                Learn(statement);
            }

            return multi ? null : Read(sql, request);
        }
    }

    private FakeAnswer? Read(string sql, FakeRequest request)
    {
        string? Bound(int index) => Binding(request, index);
        if (sql.StartsWith("SELECT max(version) FROM", StringComparison.Ordinal))
        {
            return ResultSet("version", [Column("MAX(VERSION)", "fixed", 0)], [[Number(_version)]]);
        }

        if (sql.Contains("FROM information_schema.columns", StringComparison.Ordinal))
        {
            return ResultSet("columns",
                [Column("COLUMN_NAME", "text"), Column("DATA_TYPE", "text"), Column("NUMERIC_PRECISION", "fixed", 0), Column("NUMERIC_SCALE", "fixed", 0), Column("CHARACTER_MAXIMUM_LENGTH", "fixed", 0)],
                (_tables.GetValueOrDefault($"{Bound(1)}.{Bound(2)}") ?? []).Select(c => CatalogRow(c.Name, c.Type)).ToArray());
        }

        if (sql.Contains("FROM information_schema.tables", StringComparison.Ordinal))
        {
            return ResultSet("tables", [Column("TABLE_TYPE", "text")], _tables.ContainsKey($"{Bound(1)}.{Bound(2)}") ? [["BASE TABLE"]] : []);
        }

        if (sql.StartsWith("SELECT confirmed_lsn FROM \"_STRATA\".\"CHECKPOINTS\"", StringComparison.Ordinal))
        {
            return ResultSet("checkpoint", [Column("CONFIRMED_LSN", "fixed", 0)], _checkpoints.TryGetValue(Bound(1)!, out var lsn) ? [[Number(lsn)]] : []);
        }

        if (sql.StartsWith("SELECT id FROM \"_STRATA\".\"WAREHOUSE_IDENTITY\"", StringComparison.Ordinal))
        {
            return ResultSet("identity", [Column("ID", "text")], _identity is null ? [] : [[_identity]]);
        }

        if (sql.StartsWith("SELECT column_name, source_type, dropped FROM \"_STRATA\".\"BRONZE_COLUMNS\"", StringComparison.Ordinal))
        {
            return ResultSet("source types", [Column("COLUMN_NAME", "text"), Column("SOURCE_TYPE", "text"), Column("DROPPED", "boolean")],
                _sourceTypes.Where(t => t.Key.Table == Bound(1)).Select(t => new[] { t.Key.Column, t.Value, "false" }).ToArray());
        }

        return sql.Contains("FROM \"_STRATA\".\"SNAPSHOTS\"", StringComparison.Ordinal) ? Snapshots(sql, Bound) : null;
    }

    /// <summary>The reads of <c>_strata.snapshots</c> (SnapshotRecords, and reconcile's look for a newer snapshot).</summary>
    private FakeAnswer? Snapshots(string sql, Func<int, string?> bound)
    {
        var records = _snapshots.Where(s => s.Pipeline == bound(1)).ToList();
        string?[][] rows;
        object[] columns;
        if (sql.StartsWith("SELECT DISTINCT table_name", StringComparison.Ordinal))
        {
            (columns, rows) = ([Column("TABLE_NAME", "text")], records.Where(r => r.Table != "*").Select(r => r.Table).Distinct().Select(t => new string?[] { t }).ToArray());
        }
        else if (sql.StartsWith("SELECT table_name, max(snapshot_lsn)", StringComparison.Ordinal))
        {
            (columns, rows) = ([Column("TABLE_NAME", "text"), Column("MAX(SNAPSHOT_LSN)", "fixed", 0)],
                records.GroupBy(r => r.Table).Select(g => new[] { g.Key, Number(g.Max(r => r.Lsn)) }).ToArray());
        }
        else if (sql.StartsWith("SELECT 1 FROM", StringComparison.Ordinal))
        {
            (columns, rows) = ([Column("1", "fixed", 0)], records.Where(r => r.Table == bound(2)).Select(_ => new string?[] { "1" }).ToArray());
        }
        else if (sql.StartsWith("SELECT table_name, snapshot_lsn FROM", StringComparison.Ordinal))
        {
            (columns, rows) = ([Column("TABLE_NAME", "text"), Column("SNAPSHOT_LSN", "fixed", 0)], records.Where(r => r.Table != "*").Select(r => new[] { r.Table, Number(r.Lsn) }).ToArray());
        }
        else if (sql.StartsWith("SELECT table_name FROM", StringComparison.Ordinal) && sql.EndsWith("AND snapshot_lsn > ?", StringComparison.Ordinal))
        {
            var after = long.Parse(bound(2)!, CultureInfo.InvariantCulture);
            (columns, rows) = ([Column("TABLE_NAME", "text")], records.Where(r => r.Lsn > after).Select(r => new string?[] { r.Table }).ToArray());
        }
        else
        {
            return null;
        }

        return ResultSet("snapshots", columns, rows);
    }

    /// <summary>A row of information_schema.columns for a column created with Snowflake type <paramref name="type"/> (SnowflakeTypes.Name).</summary>
    private static string?[] CatalogRow(string name, string type)
    {
        var open = type.IndexOf('(', StringComparison.Ordinal);
        var head = open < 0 ? type : type[..open];
        var arguments = open < 0 ? [] : type[(open + 1)..^1].Split(',');
        return head switch
        {
            "NUMBER" => [name, "NUMBER", arguments[0], arguments.ElementAtOrDefault(1) ?? "0", null],
            "VARCHAR" => [name, "TEXT", null, null, arguments.FirstOrDefault() ?? "16777216"],
            _ => [name, head, null, null, null],
        };
    }

    private static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string? Binding(FakeRequest request, int index) =>
        request.Body!.Value.TryGetProperty("bindings", out var bindings) && bindings.TryGetProperty(index.ToString(CultureInfo.InvariantCulture), out var binding)
            ? binding.GetProperty("value").GetString()
            : null;
}
