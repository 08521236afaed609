using System.Diagnostics;
using System.Globalization;
using Strata.Transform.Execution;
using Strata.Transform.Graph;
using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Testing;

/// <summary>Runs a data test: counts its failing rows and keeps a few as a sample.</summary>
internal sealed class TestRunner(ProjectGraph graph, IWarehouse warehouse, ModelCompiler compiler)
{
    private const int SampleRows = 5;

    private readonly UnitTestRunner _units = new(graph, warehouse, compiler);

    public async Task<TestResult> RunAsync(DataTest test, CancellationToken cancellationToken)
    {
        if (test.Unit is not null)
        {
            return await _units.RunAsync(test, cancellationToken);
        }

        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        string sql;
        try
        {
            var relation = test.Source is { } source ? compiler.SourceRelation(source) : test.Model is { } model ? compiler.Relation(graph[model]) : "";
            sql = test.Kind == "singular" ? ModelCompiler.TrimStatement(await compiler.CompileTestAsync(test))
                : test.Macro is not null ? ModelCompiler.TrimStatement(await compiler.CompileGenericTestAsync(test, relation))
                : TestSql.For(test, relation, name => compiler.Relation(graph[name]), warehouse);
            if (test.Kind != "singular")
            {
                await compiler.WriteCompiledAsync($"tests/{test.Name}.sql", sql);
            }
        }
        catch (TransformException ex)
        {
            return new TestResult(test.Name, test.Model, test.Severity, "error", 0, null, started, clock.Elapsed, ex.Message);
        }

        try
        {
            var failures = TransformMetadata.Long((await warehouse.QueryAsync($"SELECT count(*) FROM ({sql}) AS failing", null, cancellationToken))[0][0]);
            string? sample = null;
            if (failures > 0)
            {
                var rows = await warehouse.QueryAsync($"SELECT * FROM ({sql}) AS failing LIMIT {SampleRows}", null, cancellationToken);
                sample = string.Join("; ", rows.Select(r => string.Join(", ", rows.Columns.Zip(r, (c, v) => $"{c}={Format(v)}"))));
            }

            var status = failures == 0 ? "pass" : test.Severity == "warn" ? "warn" : "fail";
            return new TestResult(test.Name, test.Model, test.Severity, status, failures, sample, started, clock.Elapsed, null);
        }
        catch (WarehouseException ex)
        {
            var path = compiler.CompiledPath(test.Kind == "singular" ? test.Path : $"tests/{test.Name}.sql");
            return new TestResult(test.Name, test.Model, test.Severity, "error", 0, null, started, clock.Elapsed,
                $"{test.Path}: test {test.Name} failed in the warehouse: {ex.Message} (compiled SQL: {path})");
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
