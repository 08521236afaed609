using System.Globalization;
using Strata.Transform.Project;
using Strata.Transform.Seeds;

namespace Strata.Transform.Testing;

/// <summary>A unit test's rows as written: a list of maps (<c>format: dict</c>, the default) or CSV text (<c>format: csv</c>); values as text, null for none.</summary>
internal static class UnitRows
{
    public static List<Dictionary<string, string?>> Read(RowsFile rows, string path, string what) => (rows.Format ?? "dict", rows.Rows) switch
    {
        (_, null) => [],
        ("dict", IEnumerable<object> list) => list.Select(row => row is IDictionary<object, object?> map
            ? map.ToDictionary(e => Convert.ToString(e.Key, CultureInfo.InvariantCulture)!, e => e.Value is null ? null : Convert.ToString(e.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal)
            : throw new TransformException($"{path}: the rows of {what} are maps of column to value ({{id: 1, name: a}})")).ToList(),
        ("csv", string text) => Csv(SeedCsv.Parse(text, path)),
        ("dict" or "csv", _) => throw new TransformException($"{path}: the rows of {what} are a list of maps, or CSV text with format: csv"),
        (var format, _) => throw new TransformException($"{path}: {what} has format: {format}; Strata reads dict and csv (sql is not supported)"),
    };

    private static List<Dictionary<string, string?>> Csv(SeedCsv csv) =>
        csv.Rows.Select(row => csv.Columns.Select((c, i) => (c, row[i])).ToDictionary(p => p.c, p => p.Item2, StringComparer.Ordinal)).ToList();
}
