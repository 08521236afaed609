using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Strata.Transform.Execution;
using Strata.Transform.Graph;
using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Testing;

/// <summary>
/// dbt's unit tests, on the real warehouse: the model's select renders with each given input (<c>ref('m')</c>,
/// <c>source('s', 't')</c>) replaced by its rows — typed as the input relation's columns when it exists, columns not
/// given being NULL — runs, and its rows are compared with the expected ones as a multiset over the expected columns.
/// Nothing is written: the inputs are inline selects.
/// </summary>
internal sealed partial class UnitTestRunner(ProjectGraph graph, IWarehouse warehouse, ModelCompiler compiler)
{
    private const int SampleRows = 5;

    public async Task<TestResult> RunAsync(DataTest test, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var spec = test.Unit!;
        try
        {
            var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var given in spec.Given)
            {
                var (key, schema, name) = Input(given.Input, test);
                var columns = await warehouse.GetColumnsAsync(schema, name, cancellationToken);
                inputs[key] = Select(UnitRows.Read(given, test.Path, $"given {given.Input}"), columns, test, given.Input);
            }

            var incremental = spec.Overrides?.Macros.GetValueOrDefault("is_incremental") is { } flag && Convert.ToBoolean(flag, CultureInfo.InvariantCulture);
            var vars = new Dictionary<string, object?>(graph.Project.Vars, StringComparer.Ordinal);
            foreach (var (name, value) in spec.Overrides?.Vars ?? [])
            {
                vars[name] = value;
            }

            var sql = await compiler.CompileUnitAsync(graph[test.Model!], inputs, incremental, vars);
            await compiler.WriteCompiledAsync($"unit_tests/{test.Name}.sql", sql);
            var actual = await warehouse.QueryAsync($"SELECT * FROM ({ModelCompiler.TrimStatement(sql)}) AS actual", null, cancellationToken);
            var expected = UnitRows.Read(spec.Expect, test.Path, "expect");
            var (failures, sample) = Compare(actual, expected, test);
            return new TestResult(test.Name, test.Model, test.Severity, failures == 0 ? "pass" : test.Severity == "warn" ? "warn" : "fail", failures, sample, started, clock.Elapsed, null);
        }
        catch (Exception ex) when (ex is TransformException or WarehouseException)
        {
            return new TestResult(test.Name, test.Model, test.Severity, "error", 0, null, started, clock.Elapsed,
                ex is WarehouseException ? $"{test.Path}: unit test {test.Name} failed in the warehouse: {ex.Message}" : ex.Message);
        }
    }

    /// <summary>Which relation an input stands for: <c>ref('m')</c> or <c>source('s', 't')</c>.</summary>
    private (string Key, string Schema, string Name) Input(string input, DataTest test)
    {
        if (RefCall().Match(input) is { Success: true } reference)
        {
            var name = reference.Groups["a"].Value;
            return graph.Contains(name)
                ? ("ref:" + name, graph[name].Config.Schema, name)
                : throw new TransformException($"{test.Path}: unit test {test.Name} gives rows for ref('{name}'), which is no model");
        }

        if (SourceCall().Match(input) is { Success: true } source)
        {
            var (s, t) = (source.Groups["a"].Value, source.Groups["b"].Value);
            var table = graph.Project.Sources.FirstOrDefault(x => x.Source == s && x.Name == t)
                ?? throw new TransformException($"{test.Path}: unit test {test.Name} gives rows for source('{s}', '{t}'), which no sources yml declares");
            return ($"source:{s}.{t}", table.Schema, table.Identifier);
        }

        throw new TransformException($"{test.Path}: unit test {test.Name}: input '{input}' is neither ref('model') nor source('source', 'table')");
    }

    /// <summary>The given rows as a select: cast to the input's column types when it exists (the columns not given NULL), else as written.</summary>
    private string Select(List<Dictionary<string, string?>> rows, IReadOnlyList<WarehouseColumn>? columns, DataTest test, string input)
    {
        var names = columns?.Select(c => c.Name).ToList() ?? rows.SelectMany(r => r.Keys).Distinct().ToList();
        if (names.Count == 0)
        {
            throw new TransformException($"{test.Path}: unit test {test.Name} gives no rows for {input}, which is not built yet: its columns are unknown; give a row or build it first");
        }

        foreach (var unknown in rows.SelectMany(r => r.Keys).Where(k => !names.Contains(k)).Distinct())
        {
            throw new TransformException($"{test.Path}: unit test {test.Name} gives column {unknown} for {input}, which has no such column");
        }

        string Value(Dictionary<string, string?> row, string column)
        {
            var type = columns?.First(c => c.Name == column).Type;
            var text = row.GetValueOrDefault(column);
            var literal = text is null ? "NULL" : type is null && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out _) ? text : Quoted(text);
            return (type is null ? literal : $"CAST({literal} AS {warehouse.TypeName(type)})") + " AS " + warehouse.Quote(column);
        }

        return rows.Count == 0
            ? $"(SELECT {string.Join(", ", names.Select(n => Value([], n)))} WHERE 1 = 0)"
            : "(" + string.Join(" UNION ALL ", rows.Select(r => "SELECT " + string.Join(", ", names.Select(n => Value(r, n))))) + ")";
    }

    /// <summary>Rows of the result not expected and expected rows missing, over the expected columns.</summary>
    private static (long Failures, string? Sample) Compare(QueryResult actual, List<Dictionary<string, string?>> expected, DataTest test)
    {
        var columns = expected.SelectMany(r => r.Keys).Distinct().ToList();
        if (columns.FirstOrDefault(c => !actual.Columns.Contains(c)) is { } missing)
        {
            throw new TransformException($"{test.Path}: unit test {test.Name} expects column {missing}, which model {test.Model} does not return");
        }

        var indexes = columns.Select(c => actual.Columns.ToList().IndexOf(c)).ToList();
        var remaining = actual.Select(r => Key(indexes.Select(i => Normal(r[i])))).ToList();
        var diffs = new List<string>();
        foreach (var row in expected)
        {
            var key = Key(columns.Select(c => Normal(row.GetValueOrDefault(c))));
            if (!remaining.Remove(key))
            {
                diffs.Add("missing " + key);
            }
        }

        diffs.AddRange(remaining.Select(k => "unexpected " + k));
        return (diffs.Count, diffs.Count == 0 ? null : string.Join("; ", diffs.Take(SampleRows)));

        string Key(IEnumerable<string?> values) => "(" + string.Join(", ", columns.Zip(values, (c, v) => $"{c}={v ?? "null"}")) + ")";
    }

    /// <summary>One text per value, whatever the engine returns it as: numbers without trailing zeros, times in ISO form.</summary>
    private static string? Normal(object? value) => value switch
    {
        null or DBNull => null,
        bool b => b ? "true" : "false",
        string s when decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d.ToString("G29", CultureInfo.InvariantCulture),
        string s when bool.TryParse(s, out var b) => b ? "true" : "false",
        string s => s,
        DateTime t => t.TimeOfDay == TimeSpan.Zero ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IConvertible c when value is not char => Convert.ToDecimal(c, CultureInfo.InvariantCulture).ToString("G29", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static string Quoted(string text) => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'";

    [GeneratedRegex(@"^\s*ref\(\s*(?<q>['""])(?<a>[^'""]+)\k<q>\s*\)\s*$")]
    private static partial Regex RefCall();

    [GeneratedRegex(@"^\s*source\(\s*(?<q>['""])(?<a>[^'""]+)\k<q>\s*,\s*(?<r>['""])(?<b>[^'""]+)\k<r>\s*\)\s*$")]
    private static partial Regex SourceCall();
}
