using System.Globalization;
using System.Text.RegularExpressions;
using Strata.Warehouse.Snowflake;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>What <see cref="WarehouseStateScript"/> learns from the statements sent: tables and columns, and the rows of <c>_strata</c> that ingestion reads back.</summary>
public sealed partial class WarehouseStateScript
{
    private const string Name = @"""(?:[^""]|"""")*""";
    private const string Relation = $@"(?<table>{Name}\.{Name})";
    private const string Literal = @"'(?:[^'\\]|''|\\.)*'";

    private readonly Dictionary<string, List<(string Name, string Type)>> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _checkpoints = new(StringComparer.Ordinal);
    private readonly List<(string Pipeline, string Table, long Lsn)> _snapshots = [];
    private readonly Dictionary<(string Table, string Column), string> _sourceTypes = [];
    private string? _identity;
    private long? _version;

    /// <summary>Learns from one statement, its parameters written as literals.</summary>
    private void Learn(string sql)
    {
        if (CreateTable().Match(sql) is { Success: true } create)
        {
            _tables.TryAdd(Key(create), ColumnDefinition().Matches(create.Groups["body"].Value).Select(c => (Unquote(c.Groups["name"].Value), c.Groups["type"].Value)).ToList());
        }
        else if (AddColumn().Match(sql) is { Success: true } add && _tables.TryGetValue(Key(add), out var extended))
        {
            extended.Add((Unquote(add.Groups["column"].Value), add.Groups["type"].Value));
        }
        else if (AlterType().Match(sql) is { Success: true } alter && _tables.TryGetValue(Key(alter), out var altered))
        {
            var index = altered.FindIndex(c => c.Name == Unquote(alter.Groups["column"].Value));
            altered[index] = (altered[index].Name, alter.Groups["type"].Value);
        }
        else if (Rename().Match(sql) is { Success: true } rename && _tables.Remove(Key(rename), out var renamed))
        {
            _tables[$"{Key(rename).Split('.')[0]}.{Unquote(rename.Groups["name"].Value)}"] = renamed;
        }
        else if (DropTable().Match(sql) is { Success: true } drop)
        {
            _tables.Remove(Key(drop));
        }
        else if (VersionInsert().Match(sql) is { Success: true } version)
        {
            _version = long.Parse(version.Groups["version"].Value, CultureInfo.InvariantCulture);
        }
        else if (CheckpointMerge().Match(sql) is { Success: true } checkpoint)
        {
            _checkpoints[Text(checkpoint.Groups["pipeline"].Value)] = long.Parse(checkpoint.Groups["lsn"].Value, CultureInfo.InvariantCulture);
        }
        else if (SnapshotInsert().Match(sql) is { Success: true } snapshot)
        {
            _snapshots.Add((Text(snapshot.Groups["pipeline"].Value), Text(snapshot.Groups["table"].Value), long.Parse(snapshot.Groups["lsn"].Value, CultureInfo.InvariantCulture)));
        }
        else if (SnapshotDelete().Match(sql) is { Success: true } removed)
        {
            var table = removed.Groups["table"].Success ? Text(removed.Groups["table"].Value) : null;
            _snapshots.RemoveAll(s => s.Pipeline == Text(removed.Groups["pipeline"].Value) && (table is null || s.Table == table));
        }
        else if (SourceTypeMerge().Match(sql) is { Success: true } type)
        {
            _sourceTypes[(Text(type.Groups["table"].Value), Text(type.Groups["column"].Value))] = Text(type.Groups["type"].Value);
        }
        else if (IdentityInsert().Match(sql) is { Success: true } identity)
        {
            _identity ??= Text(identity.Groups["id"].Value);
        }
    }

    /// <summary><c>SCHEMA.TABLE</c> as stored, from the match's quoted <c>table</c>.</summary>
    private static string Key(Match match) => string.Join('.', Regex.Matches(match.Groups["table"].Value, Name).Select(m => Unquote(m.Value)));

    private static string Unquote(string quoted) => quoted[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal);

    // The reverse of SnowflakeLiterals.Text.
    private static string Text(string literal) => literal[1..^1].Replace("''", "'", StringComparison.Ordinal).Replace(@"\\", @"\", StringComparison.Ordinal);

    /// <summary>A single statement's bindings written as the literals a transaction would carry.</summary>
    private static string Inlined(FakeRequest request)
    {
        if (!request.Body!.Value.TryGetProperty("bindings", out var bindings))
        {
            return request.Statement!;
        }

        var values = Enumerable.Range(1, bindings.EnumerateObject().Count()).Select(i =>
        {
            var binding = bindings.GetProperty(i.ToString(CultureInfo.InvariantCulture));
            var value = binding.GetProperty("value").GetString();
            return value is null ? null : binding.GetProperty("type").GetString() switch
            {
                "FIXED" => decimal.Parse(value, CultureInfo.InvariantCulture),
                "BOOLEAN" => value == "true",
                "REAL" => double.Parse(value, CultureInfo.InvariantCulture),
                _ => (object)value,
            };
        }).ToList();
        return SnowflakeSqlText.Inline(request.Statement!, values);
    }

    [GeneratedRegex($@"^CREATE TABLE IF NOT EXISTS {Relation} \((?<body>.*)\)$", RegexOptions.Singleline)]
    private static partial Regex CreateTable();

    [GeneratedRegex($@"(?<name>{Name}) (?<type>[A-Z_]+(?:\([0-9,]+\))?)")]
    private static partial Regex ColumnDefinition();

    [GeneratedRegex($@"^ALTER TABLE {Relation} ADD COLUMN (?<column>{Name}) (?<type>.+)$")]
    private static partial Regex AddColumn();

    [GeneratedRegex($@"^ALTER TABLE {Relation} ALTER COLUMN (?<column>{Name}) TYPE (?<type>.+)$")]
    private static partial Regex AlterType();

    [GeneratedRegex($@"^ALTER TABLE {Relation} RENAME TO (?<name>{Name})$")]
    private static partial Regex Rename();

    [GeneratedRegex($@"^DROP TABLE IF EXISTS {Relation}$")]
    private static partial Regex DropTable();

    [GeneratedRegex(@"^INSERT INTO ""_STRATA""\.""SCHEMA_VERSION"" \(""VERSION"", ""APPLIED_AT""\) VALUES \((?<version>[0-9]+),")]
    private static partial Regex VersionInsert();

    [GeneratedRegex($@"^MERGE INTO ""_STRATA""\.""CHECKPOINTS"" .*?(?<pipeline>{Literal}) AS ""PIPELINE"", .*?(?<lsn>-?[0-9]+) AS ""CONFIRMED_LSN""", RegexOptions.Singleline)]
    private static partial Regex CheckpointMerge();

    [GeneratedRegex($@"^INSERT INTO ""_STRATA""\.""SNAPSHOTS"" \(""PIPELINE"", ""TABLE_NAME"", ""SNAPSHOT_LSN"", ""ROW_COUNT"", ""COMPLETED_AT""\) VALUES \((?<pipeline>{Literal}), (?<table>{Literal}), (?<lsn>-?[0-9]+),")]
    private static partial Regex SnapshotInsert();

    [GeneratedRegex($@"^DELETE FROM ""_STRATA""\.""SNAPSHOTS"" WHERE pipeline = (?<pipeline>{Literal})(?: AND table_name = (?<table>{Literal}))?$")]
    private static partial Regex SnapshotDelete();

    [GeneratedRegex($@"^MERGE INTO ""_STRATA""\.""BRONZE_COLUMNS"" .*?(?<table>{Literal}) AS ""TABLE_NAME"", (?<column>{Literal}) AS ""COLUMN_NAME"", (?<type>{Literal}) AS ""SOURCE_TYPE""", RegexOptions.Singleline)]
    private static partial Regex SourceTypeMerge();

    [GeneratedRegex($@"^INSERT INTO ""_STRATA""\.""WAREHOUSE_IDENTITY"" \(id, created_at\) VALUES \((?<id>{Literal}),")]
    private static partial Regex IdentityInsert();
}
