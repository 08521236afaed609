using System.Text.Json;

namespace Strata.Transform.Lineage;

/// <summary>
/// Column-level lineage of one SELECT, read off DuckDB's syntax tree (<c>json_serialize_sql</c>): for every output
/// column, the columns of the relations read that its value is computed from — through CTEs, subqueries, aliases,
/// joins (USING merges both sides), <c>select *</c> (expanded only with columns known for certain), expressions,
/// aggregates, window functions (their arguments, partitions and orders), CASE (conditions and results), scalar
/// subqueries and set operations (by position; EXCEPT and INTERSECT take their values from the first part). Columns that only filter, join or group rows are not sources of a
/// value and are left out. What cannot be followed is reported with its reason, never guessed.
/// </summary>
internal sealed class LineageWalker
{
    private readonly Func<string, string, LineageRelation?> _resolve;

    private LineageWalker(Func<string, string, LineageRelation?> resolve) => _resolve = resolve;

    /// <summary>The lineage of the statement in <paramref name="json"/>.</summary>
    /// <param name="json">The output of <c>json_serialize_sql</c>.</param>
    /// <param name="resolve">The project's relation for (schema, table), or null when it is none of the project's. Called with schema "" for unqualified names that are no CTE.</param>
    public static LineageResult Walk(string json, Func<string, string, LineageRelation?> resolve)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.True)
        {
            return LineageResult.Failed("DuckDB's parser: " + (root.TryGetProperty("error_message", out var m) ? m.GetString() : "no reason given"));
        }

        var statements = root.GetProperty("statements");
        if (statements.GetArrayLength() != 1)
        {
            return LineageResult.Failed($"the SQL holds {statements.GetArrayLength()} statements, not one SELECT");
        }

        QueryOutput result;
        try
        {
            result = new LineageWalker(resolve).Query(statements[0].GetProperty("node"), null, Ctes.None);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            // A tree shape this walker does not know (a newer DuckDB): unknown, not wrong.
            return LineageResult.Failed($"the syntax tree has a shape the lineage walker does not read ({ex.Message})");
        }

        return result.Unknown is { } reason
            ? LineageResult.Failed(reason)
            : new LineageResult(result.Columns!.Select(c => new LineageColumn(c.Name, c.Origin.Refs, c.Origin.Unknown)).ToList(), null);
    }

    /// <summary>The output of a query node: its columns, or why they are not known.</summary>
    private sealed record QueryOutput(IReadOnlyList<ScopeColumn>? Columns, string? Unknown)
    {
        public static QueryOutput Failed(string reason) => new(null, reason);
    }

    /// <summary>The CTEs visible at a point, innermost first.</summary>
    private sealed class Ctes(Dictionary<string, QueryOutput> own, Ctes? parent)
    {
        public static readonly Ctes None = new([], null);

        public QueryOutput? Find(string name) =>
            own.TryGetValue(name, out var found) ? found : parent?.Find(name);

        /// <summary>These CTEs and <paramref name="more"/> (filled afterwards, as each is read).</summary>
        public Ctes With(Dictionary<string, QueryOutput> more) => new(more, this);
    }

    private QueryOutput Query(JsonElement node, QueryScope? outer, Ctes ctes)
    {
        ctes = WithCtes(node, outer, ctes);
        return Text(node, "type") switch
        {
            "SELECT_NODE" => Select(node, outer, ctes),
            "SET_OPERATION_NODE" => SetOperation(node, outer, ctes),
            "RECURSIVE_CTE_NODE" => QueryOutput.Failed("a recursive CTE is not followed"),
            var other => QueryOutput.Failed($"a query of kind {other} is not followed"),
        };
    }

    /// <summary>The node's CTEs, each seeing the ones before it; those the project claims (inlined ephemeral models) stay the project's.</summary>
    private Ctes WithCtes(JsonElement node, QueryScope? outer, Ctes ctes)
    {
        if (!node.TryGetProperty("cte_map", out var map) || !map.TryGetProperty("map", out var entries) || entries.GetArrayLength() == 0)
        {
            return ctes;
        }

        var own = new Dictionary<string, QueryOutput>(StringComparer.OrdinalIgnoreCase);
        var visible = ctes.With(own);
        foreach (var entry in entries.EnumerateArray())
        {
            var name = entry.GetProperty("key").GetString()!;
            if (_resolve("", name) is not null)
            {
                continue;
            }

            var value = entry.GetProperty("value");
            // Seen while its own body is read: a CTE that reads itself is recursive.
            own[name] = QueryOutput.Failed($"CTE {name} reads itself (recursive)");
            var output = Query(value.GetProperty("query").GetProperty("node"), outer, visible);
            own[name] = Renamed(output, value.TryGetProperty("aliases", out var aliases) ? aliases : default);
        }

        return visible;
    }

    private QueryOutput SetOperation(JsonElement node, QueryScope? outer, Ctes ctes)
    {
        var parts = node.TryGetProperty("children", out var children)
            ? children.EnumerateArray().ToList()
            : [node.GetProperty("left"), node.GetProperty("right")];
        var outputs = parts.Select(p => Query(p, outer, ctes)).ToList();
        if (outputs.FirstOrDefault(o => o.Unknown is not null) is { } failed)
        {
            return failed;
        }

        var first = outputs[0].Columns!;
        var byName = Text(node, "setop_type") == "UNION_BY_NAME";
        if (!byName && outputs.Any(o => o.Columns!.Count != first.Count))
        {
            return QueryOutput.Failed($"the parts of a {Text(node, "setop_type")} have different numbers of columns");
        }

        if (byName)
        {
            var names = outputs.SelectMany(o => o.Columns!.Select(c => c.Name)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (names.Any(n => n is null))
            {
                return QueryOutput.Failed("UNION BY NAME over a column without a name");
            }

            return new QueryOutput(names.Select(n => new ScopeColumn(n,
                Origin.Union(outputs.SelectMany(o => o.Columns!.Where(c => ScopeRelation.Same(c.Name, n)).Select(c => c.Origin))))).ToList(), null);
        }

        // A UNION's rows come from every part; EXCEPT's and INTERSECT's from the first, which the others only filter.
        var feeding = Text(node, "setop_type") is "EXCEPT" or "INTERSECT" ? outputs.Take(1).ToList() : outputs;
        return new QueryOutput(first.Select((c, i) => new ScopeColumn(c.Name, Origin.Union(feeding.Select(o => o.Columns![i].Origin)))).ToList(), null);
    }

    private QueryOutput Select(JsonElement node, QueryScope? outer, Ctes ctes)
    {
        var scope = new QueryScope(outer);
        From(node.GetProperty("from_table"), scope, ctes);
        var columns = new List<ScopeColumn>();
        foreach (var item in node.GetProperty("select_list").EnumerateArray())
        {
            if (Text(item, "class") == "STAR")
            {
                var expanded = Star(item, scope, ctes);
                if (expanded.Unknown is not null)
                {
                    return expanded;
                }

                columns.AddRange(expanded.Columns!);
                continue;
            }

            var alias = Text(item, "alias");
            var name = alias is { Length: > 0 } ? alias : Text(item, "class") == "COLUMN_REF" ? Names(item)[^1] : null;
            columns.Add(new ScopeColumn(name, Expression(item, scope, ctes, columns)));
        }

        return new QueryOutput(columns, null);
    }

    /// <summary><c>*</c> or <c>alias.*</c>, with EXCLUDE, REPLACE and RENAME; <c>COLUMNS(…)</c> is not followed.</summary>
    private QueryOutput Star(JsonElement star, QueryScope scope, Ctes ctes)
    {
        if (star.GetProperty("columns").GetBoolean() || (star.TryGetProperty("expr", out var expr) && expr.ValueKind == JsonValueKind.Object))
        {
            return QueryOutput.Failed("COLUMNS(…) is not followed");
        }

        if (scope.Unknown is { } unknown)
        {
            return QueryOutput.Failed(unknown);
        }

        var relationName = Text(star, "relation_name");
        var relations = relationName is { Length: > 0 }
            ? scope.Relations.Where(r => ScopeRelation.Same(r.Alias, relationName)).ToList()
            : scope.Relations;
        if (relations.Count == 0)
        {
            return QueryOutput.Failed($"{relationName}.* names no relation of the FROM clause");
        }

        var columns = new List<ScopeColumn>();
        var merged = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var relation in relations)
        {
            if (relation.Columns is null)
            {
                return QueryOutput.Failed($"select * reads {relation.Node ?? relation.Alias}, whose columns are not known{(relation.Unknown is { } why ? $" ({why})" : "")}; build it, or list the columns");
            }

            foreach (var column in relation.Columns)
            {
                // A USING column appears once, fed by both sides, where its first side has it.
                if (relationName is not { Length: > 0 } && column.Name is not null && scope.Merged.TryGetValue(column.Name, out var both))
                {
                    if (merged.Add(column.Name))
                    {
                        columns.Add(column with { Origin = both });
                    }

                    continue;
                }

                columns.Add(column);
            }
        }

        var excluded = Strings(star, "exclude_list").Concat(star.TryGetProperty("qualified_exclude_list", out var qualified)
            ? qualified.EnumerateArray().Select(q => q.TryGetProperty("column_names", out var n) ? n[n.GetArrayLength() - 1].GetString()! : "")
            : []).ToHashSet(StringComparer.OrdinalIgnoreCase);
        columns.RemoveAll(c => c.Name is not null && excluded.Contains(c.Name));
        if (star.TryGetProperty("replace_list", out var replaces))
        {
            foreach (var replace in replaces.EnumerateArray())
            {
                var name = replace.GetProperty("key").GetString();
                var at = columns.FindIndex(c => ScopeRelation.Same(c.Name, name));
                if (at >= 0)
                {
                    columns[at] = new ScopeColumn(columns[at].Name, Expression(replace.GetProperty("value"), scope, ctes, []));
                }
            }
        }

        if (star.TryGetProperty("rename_list", out var renames))
        {
            foreach (var rename in renames.EnumerateArray())
            {
                var from = rename.GetProperty("key");
                var name = from.ValueKind == JsonValueKind.String ? from.GetString() : Text(from, "column");
                var at = columns.FindIndex(c => ScopeRelation.Same(c.Name, name));
                if (at >= 0)
                {
                    columns[at] = columns[at] with { Name = rename.GetProperty("value").GetString() };
                }
            }
        }

        return new QueryOutput(columns, null);
    }

    /// <summary>Adds what a FROM clause item brings into scope.</summary>
    private void From(JsonElement table, QueryScope scope, Ctes ctes)
    {
        var alias = Text(table, "alias") ?? "";
        switch (Text(table, "type"))
        {
            case "EMPTY":
                return;
            case "BASE_TABLE":
            {
                var schema = Text(table, "schema_name") ?? "";
                var name = Text(table, "table_name")!;
                var label = alias.Length > 0 ? alias : name;
                if (schema.Length == 0 && ctes.Find(name) is { } cte)
                {
                    scope.Relations.Add(Renamed(new ScopeRelation(label, cte.Columns, null, cte.Unknown), table));
                    return;
                }

                var known = _resolve(schema, name);
                var node = known?.Node ?? $"relation.{(schema.Length > 0 ? schema + "." : "")}{name}";
                var columns = known?.Columns?.Select(c => new ScopeColumn(c, Origin.Of(new ColumnRef(node, c)))).ToList();
                scope.Relations.Add(Renamed(new ScopeRelation(label, columns, node, known is null ? "not a relation of the project" : null), table));
                return;
            }

            case "SUBQUERY":
            {
                var output = Query(table.GetProperty("subquery").GetProperty("node"), scope.Outer, ctes);
                scope.Relations.Add(Renamed(new ScopeRelation(alias, output.Columns, null, output.Unknown), table));
                return;
            }

            case "JOIN":
                Join(table, scope, ctes);
                return;
            case "EXPRESSION_LIST":
            {
                var rows = table.GetProperty("values").EnumerateArray().ToList();
                var width = rows.Count == 0 ? 0 : rows[0].GetArrayLength();
                var columns = Enumerable.Range(0, width).Select(i => new ScopeColumn($"col{i}",
                    Origin.Union(rows.Select(r => Expression(r[i], scope, ctes, []))))).ToList();
                scope.Relations.Add(Renamed(new ScopeRelation(alias.Length > 0 ? alias : "valueslist", columns, null, null), table));
                return;
            }

            case "TABLE_FUNCTION":
            {
                var function = table.TryGetProperty("function", out var f) ? Text(f, "function_name") : null;
                scope.Relations.Add(new ScopeRelation(alias.Length > 0 ? alias : function ?? "", null, null, $"the table function {function}() is not followed"));
                return;
            }

            case var other:
                scope.Relations.Add(new ScopeRelation(alias, null, null, $"a FROM item of kind {other} is not followed"));
                scope.Unknown ??= $"a FROM item of kind {other} is not followed";
                return;
        }
    }

    private void Join(JsonElement join, QueryScope scope, Ctes ctes)
    {
        var left = new QueryScope(scope.Outer);
        From(join.GetProperty("left"), left, ctes);
        var right = new QueryScope(scope.Outer);
        From(join.GetProperty("right"), right, ctes);
        var merged = Strings(join, "using_columns").ToList();
        if (Text(join, "ref_type") == "NATURAL")
        {
            if (left.Relations.Concat(right.Relations).Any(r => r.Columns is null))
            {
                scope.Unknown ??= "a NATURAL JOIN over relations whose columns are not known";
            }
            else
            {
                var names = right.Relations.SelectMany(r => r.Columns!).Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
                merged = left.Relations.SelectMany(r => r.Columns!).Select(c => c.Name).Where(n => n is not null && names.Contains(n)).Select(n => n!).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            }
        }

        foreach (var side in new[] { left, right })
        {
            scope.Relations.AddRange(side.Relations);
            scope.Unknown ??= side.Unknown;
            foreach (var (name, origin) in side.Merged)
            {
                scope.Merged[name] = origin;
            }
        }

        foreach (var name in merged)
        {
            scope.Merged[name] = Origin.Union([Resolve([name], left, []), Resolve([name], right, [])]);
        }
    }

    /// <summary>The origin of an expression: every column it reads, through functions, CASE, windows and subqueries.</summary>
    /// <param name="expression">The expression.</param>
    /// <param name="scope">The FROM clause's scope.</param>
    /// <param name="ctes">The CTEs visible.</param>
    /// <param name="earlier">The select list so far: DuckDB lets a later item use an earlier one's alias.</param>
    private Origin Expression(JsonElement expression, QueryScope scope, Ctes ctes, IReadOnlyList<ScopeColumn> earlier)
    {
        switch (expression.ValueKind)
        {
            case JsonValueKind.Array:
                return Origin.Union(expression.EnumerateArray().Select(e => Expression(e, scope, ctes, earlier)).ToList());
            case JsonValueKind.Object:
                break;
            default:
                return Origin.Empty();
        }

        switch (Text(expression, "class"))
        {
            case "COLUMN_REF":
                return Resolve(Names(expression), scope, earlier);
            case "SUBQUERY":
            {
                var output = Query(expression.GetProperty("subquery").GetProperty("node"), scope, ctes);
                var origin = output.Unknown is { } reason ? Origin.Unresolved(reason) : Origin.Union(output.Columns!.Select(c => c.Origin));
                if (expression.TryGetProperty("child", out var child))
                {
                    origin.Merge(Expression(child, scope, ctes, earlier));
                }

                return origin;
            }

            case "STAR":
                return Origin.Unresolved("a * inside an expression is not followed");
            case "LAMBDA":
            {
                // The lambda's parameters are its own, not columns: bind them to nothing.
                var parameters = References(expression.GetProperty("lhs")).Select(p => new ScopeColumn(p[^1], Origin.Empty()));
                var inner = new QueryScope(scope);
                inner.Relations.Add(new ScopeRelation("", parameters.ToList(), null, null));
                return Expression(expression.GetProperty("expr"), inner, ctes, earlier);
            }

            default:
                return Origin.Union(expression.EnumerateObject()
                    .Where(p => p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    .Select(p => Expression(p.Value, scope, ctes, earlier)).ToList());
        }
    }

    /// <summary>
    /// A column reference: <c>column</c>, <c>alias.column</c> or <c>schema.table.column</c> (a longer name reads a
    /// struct's field), looked up in the FROM clause, then the select list's earlier aliases, then the enclosing queries.
    /// </summary>
    private static Origin Resolve(IReadOnlyList<string> names, QueryScope scope, IReadOnlyList<ScopeColumn> earlier)
    {
        for (var frame = scope; frame is not null; frame = frame.Outer)
        {
            if (Lookup(names, frame, frame == scope ? earlier : []) is { } found)
            {
                return found;
            }
        }

        return Origin.Unresolved(scope.Unknown ?? $"no relation in scope is known to have column {string.Join('.', names)}");
    }

    private static Origin? Lookup(IReadOnlyList<string> names, QueryScope scope, IReadOnlyList<ScopeColumn> earlier)
    {
        // alias.column (and schema.table.column), longest qualifier first.
        for (var qualifier = Math.Min(names.Count - 1, 2); qualifier >= 1; qualifier--)
        {
            var relation = scope.Relations.FirstOrDefault(r => ScopeRelation.Same(r.Alias, names[qualifier - 1]));
            if (relation is not null && relation.Column(names[qualifier]) is { } origin)
            {
                return origin;
            }

            if (relation is not null && relation.Columns is null)
            {
                return Origin.Unresolved(relation.Unknown ?? $"the columns of {relation.Alias} are not known");
            }
        }

        // column (or column.field…).
        var name = names[0];
        if (scope.Merged.TryGetValue(name, out var merged))
        {
            return merged;
        }

        var having = scope.Relations.Where(r => r.Columns?.Any(c => ScopeRelation.Same(c.Name, name)) == true).ToList();
        var unknown = scope.Relations.Where(r => r.Columns is null).ToList();
        if (having.Count == 1 && unknown.Count == 0)
        {
            return having[0].Column(name);
        }

        if (having.Count > 1)
        {
            return Origin.Unresolved($"column {name} is in more than one relation of the FROM clause");
        }

        if (unknown.Count == 1 && scope.Relations.Count == 1)
        {
            return unknown[0].Column(name) ?? Origin.Unresolved(unknown[0].Unknown ?? $"the columns of {unknown[0].Alias} are not known");
        }

        if (unknown.Count > 0)
        {
            return Origin.Unresolved($"column {name} could be in {string.Join(" or ", unknown.Select(u => u.Node ?? u.Alias))}, whose columns are not known");
        }

        return earlier.LastOrDefault(c => ScopeRelation.Same(c.Name, name))?.Origin;
    }

    /// <summary>A relation with its columns renamed by <c>AS alias(a, b)</c>.</summary>
    private static ScopeRelation Renamed(ScopeRelation relation, JsonElement table)
    {
        var aliases = table.TryGetProperty("column_name_alias", out var names) ? names.EnumerateArray().Select(n => n.GetString()!).ToList() : [];
        if (aliases.Count == 0 || relation.Columns is null)
        {
            return relation;
        }

        return relation with { Columns = relation.Columns.Select((c, i) => i < aliases.Count ? c with { Name = aliases[i] } : c).ToList() };
    }

    private static QueryOutput Renamed(QueryOutput output, JsonElement aliases)
    {
        if (output.Columns is null || aliases.ValueKind != JsonValueKind.Array || aliases.GetArrayLength() == 0)
        {
            return output;
        }

        var names = aliases.EnumerateArray().Select(a => a.GetString()!).ToList();
        return output with { Columns = output.Columns.Select((c, i) => i < names.Count ? c with { Name = names[i] } : c).ToList() };
    }

    private static List<string> Names(JsonElement reference) =>
        reference.GetProperty("column_names").EnumerateArray().Select(n => n.GetString()!).ToList();

    /// <summary>Every column reference's names inside <paramref name="element"/>.</summary>
    private static IEnumerable<List<string>> References(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object when Text(element, "class") == "COLUMN_REF" => [Names(element)],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => References(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(References),
        _ => [],
    };

    private static IEnumerable<string> Strings(JsonElement element, string property) =>
        element.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)
            : [];

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
