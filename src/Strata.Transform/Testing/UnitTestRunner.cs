using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Strata.Transform.Execution;
using Strata.Transform.Execution.Staging;
using Strata.Transform.Execution.Strategies;
using Strata.Transform.Graph;
using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Testing;

/// <summary>
/// dbt's unit tests, on the real warehouse: the model's select renders with each given input (<c>ref('m')</c>,
/// <c>source('s', 't')</c>) replaced by its rows — typed as the input relation's columns when it exists, columns not
/// given being NULL — runs, and its rows are compared with the expected ones as a multiset over the expected columns.
/// With <c>expect: {state: final}</c> the model's table after the run is compared instead. Nothing is written: every
/// relation a test makes is temporary, in a transaction rolled back at its end. An engine whose transactions hold
/// no DDL and cannot read their own writes (<see cref="WarehouseCapabilities.TransactionalDdl"/> false) stages the
/// given rows as scratch tables instead, dropped at the end; it skips final-state tests, saying why (they write,
/// then read what they wrote): run those on DuckDB or PostgreSQL, where the same project's tests mean the same.
/// </summary>
internal sealed partial class UnitTestRunner(ProjectGraph graph, IWarehouse warehouse, ModelCompiler compiler)
{
    private const int SampleRows = 5;

    /// <summary>The input that stands for the model's own table.</summary>
    private const string This = "this";

    private readonly ChangelogBatch _changes = new(warehouse, compiler);
    private readonly IncrementalMaterialization _incremental = new(warehouse, compiler, new TableMaterialization(warehouse, compiler));

    public async Task<TestResult> RunAsync(DataTest test, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var spec = test.Unit!;
        try
        {
            var model = graph[test.Model!];
            var final = FinalState(spec, test, model);
            if (final && !warehouse.Capabilities.TransactionalDdl)
            {
                return new TestResult(test.Name, test.Model, test.Severity, "skipped", 0, null, started, clock.Elapsed,
                    $"skipped: unit test {test.Name} expects a final state, which needs a rolled-back transaction that reads its own writes; {warehouse.Engine} has none: run it on duckdb or postgres");
            }

            // Nothing is ever committed: the given rows, and for a final-state test the model's table, are temporary
            // tables of a transaction rolled back at the end, whatever happens; without transactional DDL, the given
            // rows are scratch tables the build drops at the end (a select-state test only reads them).
            await using var build = await ModelBuild.BeginAsync(warehouse, cancellationToken);
            var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
            var scratch = $"strata_unit_{Guid.NewGuid():N}"[..20];
            foreach (var (given, index) in spec.Given.Select((g, i) => (g, i)))
            {
                var (key, schema, name) = Input(given.Input, test, model);
                var columns = await warehouse.GetColumnsAsync(schema, name, cancellationToken);
                inputs[key] = await build.StageAsync(
                    $"{scratch}_{index}", Select(UnitRows.Read(given, test.Path, $"given {given.Input}"), columns, test, given.Input), cancellationToken);
            }

            var vars = new Dictionary<string, object?>(graph.Project.Vars, StringComparer.Ordinal);
            foreach (var (name, value) in spec.Overrides?.Vars ?? [])
            {
                vars[name] = value;
            }

            var prior = inputs.GetValueOrDefault(This);
            var incremental = spec.Overrides?.Macros.GetValueOrDefault("is_incremental") is { } flag
                ? Convert.ToBoolean(flag, CultureInfo.InvariantCulture)
                : final && prior is not null;
            var sql = await compiler.CompileUnitAsync(model, inputs, incremental, vars);
            await compiler.WriteCompiledAsync($"unit_tests/{test.Name}.sql", sql);
            var actual = final
                ? await FinalStateAsync(build, model, prior, scratch, sql, cancellationToken)
                : await build.ReadAsync($"SELECT * FROM ({ModelCompiler.TrimStatement(sql)}) AS actual", null, cancellationToken);
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

    /// <summary>
    /// The model's table after one run over the given input: the given <c>this</c> rows (or nothing) are the table
    /// before, and the select's rows are applied to them as a build would — merged, deleted and inserted, appended, or
    /// as changes to the current state or history. What dbt's unit tests cannot assert (dbt-core #8664).
    /// </summary>
    private async Task<QueryResult> FinalStateAsync(
        ModelBuild build, Model model, string? prior, string scratch, string sql, CancellationToken cancellationToken)
    {
        var table = prior ?? warehouse.Quote(scratch + "_this");
        Func<string, string>? create = prior is null ? select => warehouse.CreateTempTableSql(scratch + "_this", select) : null;
        switch (model.Config.Materialized)
        {
            case Materializations.CurrentState or Materializations.History:
                await _changes.ApplyAsync(build, model, table, sql, create, cancellationToken);
                break;
            case Materializations.Incremental when prior is not null:
                var columns = (await build.ReadAsync($"SELECT * FROM {table} LIMIT 0", null, cancellationToken)).Columns;
                await _incremental.ApplyAsync(build, model, table, columns, sql, cancellationToken);
                break;
            default:
                await build.DefineAsync(create!(ModelCompiler.TrimStatement(sql)), cancellationToken);
                break;
        }

        return await build.ReadAsync($"SELECT * FROM {table}", null, cancellationToken);
    }

    /// <summary>
    /// Whether the test compares the table after the run (<c>expect: {state: final}</c>, Strata's) rather than the
    /// select's rows (<c>state: select</c>, dbt's and the default).
    /// </summary>
    private static bool FinalState(UnitTestFile spec, DataTest test, Model model) => spec.Expect.State switch
    {
        null or "select" => false,
        "final" when model.Config.Materialized is Materializations.Incremental or Materializations.CurrentState or Materializations.History => true,
        "final" => throw new TransformException(
            $"{test.Path}: unit test {test.Name} expects the final state of model {model.Name}, which is {model.Config.Materialized}: " +
            "only incremental, current_state and history models keep state between runs; drop state: final"),
        var other => throw new TransformException($"{test.Path}: unit test {test.Name} has expect state: {other}; it is select (the default) or final"),
    };

    /// <summary>Which relation an input stands for: <c>ref('m')</c>, <c>source('s', 't')</c>, or <c>this</c> (the model's table before the run).</summary>
    private (string Key, string Schema, string Name) Input(string input, DataTest test, Model model)
    {
        if (input.Trim() == This)
        {
            return (This, model.Config.Schema, model.Name);
        }

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

        throw new TransformException($"{test.Path}: unit test {test.Name}: input '{input}' is none of ref('model'), source('source', 'table') and this");
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
            ? $"SELECT {string.Join(", ", names.Select(n => Value([], n)))} WHERE 1 = 0"
            : string.Join(" UNION ALL ", rows.Select(r => "SELECT " + string.Join(", ", names.Select(n => Value(r, n)))));
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
        string s when DateTime.TryParseExact(s, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) => Normal(t),
        string s => s,
        DateTime t => t.TimeOfDay == TimeSpan.Zero ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IConvertible c when value is not char => Convert.ToDecimal(c, CultureInfo.InvariantCulture).ToString("G29", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>How expected times are written: compared as the times they name, however many zeros they carry.</summary>
    private static readonly string[] TimeFormats = ["yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm"];

    private static string Quoted(string text) => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'";

    [GeneratedRegex(@"^\s*ref\(\s*(?<q>['""])(?<a>[^'""]+)\k<q>\s*\)\s*$")]
    private static partial Regex RefCall();

    [GeneratedRegex(@"^\s*source\(\s*(?<q>['""])(?<a>[^'""]+)\k<q>\s*,\s*(?<r>['""])(?<b>[^'""]+)\k<r>\s*\)\s*$")]
    private static partial Regex SourceCall();
}
