using System.Globalization;
using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Testing;

/// <summary>The SQL of the generic tests: each selects the failing rows.</summary>
internal static class TestSql
{
    public static string For(DataTest test, string relation, Func<string, string> relationOf, IWarehouse warehouse)
    {
        var column = test.Column is null ? "" : warehouse.Quote(test.Column);
        return test.Kind switch
        {
            "not_null" => $"SELECT * FROM {relation} WHERE {column} IS NULL",
            "unique" => $"SELECT {column}, count(*) AS occurrences FROM {relation} WHERE {column} IS NOT NULL GROUP BY {column} HAVING count(*) > 1",
            "accepted_values" => $"SELECT {column}, count(*) AS occurrences FROM {relation} WHERE {column} IS NOT NULL AND {column} NOT IN ({Literals(test.Arguments["values"])}) GROUP BY {column}",
            "relationships" =>
                $"SELECT c.* FROM {relation} AS c WHERE c.{column} IS NOT NULL AND NOT EXISTS " +
                $"(SELECT 1 FROM {relationOf(GenericTests.RelationshipTarget(test.Arguments))} AS p WHERE p.{warehouse.Quote(Text(test.Arguments["field"]))} = c.{column})",
            "expression" => $"SELECT * FROM {relation} WHERE NOT ({Text(test.Arguments["expression"])})",
            _ => throw new InvalidOperationException(test.Kind),
        };
    }

    private static string Literals(object? values) => values switch
    {
        IEnumerable<object> list => string.Join(", ", list.Select(v => Literal(Text(v)))),
        _ => Literal(Text(values)),
    };

    private static string Literal(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    private static string Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
