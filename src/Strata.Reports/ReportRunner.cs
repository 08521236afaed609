using System.Globalization;
using Strata.Reports.Definitions;
using Strata.Transform;
using Strata.Warehouse;

namespace Strata.Reports;

/// <summary>Runs a report: renders its SQL against the models, binds its parameters as query parameters, reads the rows.</summary>
internal sealed class ReportRunner(TransformService transform, IWarehouse warehouse)
{
    public async Task<ReportResult> RunAsync(Report report, IReadOnlyDictionary<string, string> given, CancellationToken cancellationToken)
    {
        var values = Bind(report, given);
        var bound = new List<object?>();
        var (sql, refs) = await transform.RenderQueryAsync($"report {report.Name}", $"reports/{report.Name}.sql", report.Sql, name =>
        {
            var parameter = report.Parameters.FirstOrDefault(p => p.Name == name)
                ?? throw new TransformException($"reports/{report.Name}.sql uses param('{name}'), which reports/{report.Name}.yml does not declare under parameters:");
            bound.Add(values[name]);
            return warehouse.TypedParameter(bound.Count, ParameterType(parameter.Type));
        });

        QueryResult rows;
        try
        {
            rows = await warehouse.QueryAsync(sql, bound, cancellationToken);
        }
        catch (WarehouseException ex)
        {
            throw new TransformException($"reports/{report.Name}.sql: report {report.Name} failed in the warehouse: {ex.Message}; has `strata build` run?", ex);
        }

        var (lsn, commitTime) = await transform.AsOfAsync(refs, cancellationToken);
        return new ReportResult(report, rows.Columns, rows, values, lsn is { } l ? $"{(ulong)l >> 32:X}/{(ulong)l & 0xFFFFFFFF:X}" : null,
            commitTime is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : null, DateTime.UtcNow) { Relations = refs };
    }

    /// <summary>Checks and types the given values; a mistake names the report and the parameter.</summary>
    internal static Dictionary<string, object?> Bind(Report report, IReadOnlyDictionary<string, string> given)
    {
        foreach (var name in given.Keys.Where(n => report.Parameters.All(p => p.Name != n)))
        {
            throw new TransformException(report.Parameters.Count == 0
                ? $"report {report.Name} takes no parameters (got {name})"
                : $"report {report.Name} has no parameter {name}{Text.Suggestions.DidYouMean(name, report.Parameters.Select(p => p.Name))}; its parameters: {string.Join(", ", report.Parameters.Select(p => p.Name))}");
        }

        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var parameter in report.Parameters)
        {
            var text = given.TryGetValue(parameter.Name, out var value) ? value : parameter.Default;
            if (text is not null && parameter.Allowed is { Count: > 0 } allowed && !allowed.Contains(text))
            {
                throw new TransformException($"report {report.Name}: parameter {parameter.Name} must be one of {string.Join(", ", allowed)}, not '{text}'");
            }

            values[parameter.Name] = text is null ? null : Parse(report, parameter, text);
        }

        return values;
    }

    private static object Parse(Report report, ReportParameter parameter, string text)
    {
        object? value = parameter.Type switch
        {
            "integer" => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null,
            "decimal" => decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var m) ? m : null,
            "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null,
            "boolean" => bool.TryParse(text, out var b) ? b : null,
            _ => text,
        };
        return value ?? throw new TransformException(
            $"report {report.Name}: parameter {parameter.Name} must be {(parameter.Type is "integer" ? "an integer" : parameter.Type is "date" ? "a date (yyyy-MM-dd)" : $"a {parameter.Type}")}, not '{text}'");
    }

    /// <summary>The warehouse type a parameter is bound as (the adapter names it in its dialect).</summary>
    private static WarehouseType ParameterType(string type) => type switch
    {
        "integer" => WarehouseType.Int64,
        "decimal" => new WarehouseType(WarehouseTypeKind.Decimal),
        "date" => new WarehouseType(WarehouseTypeKind.Date),
        "boolean" => new WarehouseType(WarehouseTypeKind.Boolean),
        _ => WarehouseType.Text,
    };
}
