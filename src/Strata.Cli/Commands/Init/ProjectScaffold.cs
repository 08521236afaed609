using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Strata.Ingestion.Catalog;
using YamlDotNet.Serialization;

namespace Strata.Cli.Commands.Init;

/// <summary>
/// The files of a dbt-format project over the bronze changelogs of a source's published tables: <c>dbt_project.yml</c>,
/// the <c>bronze</c> source, one staging model per table and the key tests. Pure: tables in, file texts out.
/// </summary>
internal static partial class ProjectScaffold
{
    /// <summary>The schema the staging models are built in.</summary>
    public const string StagingSchema = "silver";

    private static readonly ISerializer Yaml = new SerializerBuilder().WithQuotingNecessaryStrings().Build();

    // PostgreSQL's reserved key words (and DuckDB's few of its own): a column so named must be quoted in a select list.
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary", "both", "case", "cast",
        "check", "collate", "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog", "current_date",
        "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct",
        "do", "else", "end", "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike", "in",
        "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
        "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer", "overlaps", "placing", "primary",
        "references", "returning", "right", "select", "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample",
        "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window", "with",
        "pivot", "unpivot", "qualify", "semi", "anti", "positional", "asof", "lambda", "struct", "map",
    };

    /// <summary>One generated file: its path under the project folder (with <c>/</c>) and its text.</summary>
    internal sealed record GeneratedFile(string Path, string Text);

    /// <summary>What <see cref="Generate"/> made: the files, and one line per table whose model is not a current state.</summary>
    internal sealed record Scaffold(IReadOnlyList<GeneratedFile> Files, IReadOnlyList<string> Warnings);

    /// <summary>A dbt project name from a folder name: lower-case letters, digits and underscores, not starting with a digit.</summary>
    public static string ProjectName(string folder)
    {
        var name = Identifier(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))));
        return name.Length == 0 ? "analytics" : char.IsAsciiDigit(name[0]) ? "p_" + name : name;
    }

    /// <summary>The project over <paramref name="tables"/>; <paramref name="origin"/> (e.g. <c>publication p on db</c>) goes into comments.</summary>
    public static Scaffold Generate(string name, IReadOnlyList<SourceTable> tables, string origin)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var ordered = tables.OrderBy(t => t.Schema, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();

        // A table's name in the source is its own, unless another schema publishes one of the same name.
        var sharedNames = ordered.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var modelNames = new HashSet<string>(StringComparer.Ordinal);
        var staged = new List<(SourceTable Table, string SourceName, string Model)>();
        foreach (var table in ordered)
        {
            var sourceName = sharedNames.Contains(table.Name) ? table.BronzeName : table.Name;
            var stem = Identifier(sourceName);
            var model = "stg_" + (stem.Length == 0 ? "table" : stem);
            for (var n = 2; !modelNames.Add(model); n++)
            {
                model = $"stg_{stem}_{n.ToString(CultureInfo.InvariantCulture)}";
            }

            staged.Add((table, sourceName, model));
        }

        var files = new List<GeneratedFile>
        {
            new("dbt_project.yml", DbtProject(name, origin)),
            new("models/staging/_sources.yml", Sources(staged, origin)),
        };
        var warnings = new List<string>();
        foreach (var (table, sourceName, model) in staged)
        {
            files.Add(new($"models/staging/{model}.sql", Model(table, sourceName, model)));
            if (!table.Columns.Any(c => c.IsKey))
            {
                warnings.Add($"{table.DisplayName} has no primary key: models/staging/{model}.sql is a view listing every change of it, not its current state");
            }
        }

        files.Add(new("models/staging/schema.yml", Schema(staged)));
        return new Scaffold(files, warnings);
    }

    /// <summary><c>strata.yml</c> for the project folder: where the analytics project is, and no secret.</summary>
    public static string StrataYml(string projectPath) =>
        "# Written by `strata init`. Passwords never go here: Strata reads them from the environment\n" +
        "# (STRATA_SOURCE_PASSWORD, STRATA_SOURCE_CDC_PASSWORD, …) or the secret store .strata/secrets/.\n" +
        Yaml.Serialize(new Dictionary<string, object> { ["transform"] = new Dictionary<string, object> { ["project"] = projectPath } });

    /// <summary>A column (or other identifier) as it must be written in the select list: quoted only when needed.</summary>
    internal static string Column(string name) =>
        PlainIdentifier().IsMatch(name) && !Reserved.Contains(name) ? name : Template("\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");

    /// <summary>A Jinja string literal holding <paramref name="text"/>.</summary>
    internal static string JinjaString(string text) =>
        "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "'";

    /// <summary>SQL text the template engine would read as a tag (<c>{{</c>, <c>{%</c>, <c>{#</c>) goes through a Jinja string.</summary>
    private static string Template(string sql) => sql.Contains('{', StringComparison.Ordinal) || sql.Contains('}', StringComparison.Ordinal)
        ? "{{ " + JinjaString(sql) + " }}"
        : sql;

    private static string DbtProject(string name, string origin) =>
        $"# Written by `strata init` from {Comment(origin)}.\n" +
        "# Each staging model keeps the current state of one source table (materialized: current_state) in schema silver;\n" +
        "# build further models on them with ref('stg_…'). See docs/dbt.md.\n" +
        Yaml.Serialize(new Dictionary<string, object>
        {
            ["name"] = name,
            ["version"] = "1.0.0",
            ["config-version"] = 2,
            ["model-paths"] = new[] { "models" },
            ["models"] = new Dictionary<string, object>
            {
                [name] = new Dictionary<string, object>
                {
                    ["staging"] = new Dictionary<string, object> { ["+materialized"] = "current_state", ["+schema"] = StagingSchema },
                },
            },
        });

    private static string Sources(List<(SourceTable Table, string SourceName, string Model)> staged, string origin) =>
        "# The bronze changelogs `strata ingest` writes, one per published table (schema bronze, <schema>__<table>).\n" +
        Yaml.Serialize(new Dictionary<string, object>
        {
            ["version"] = 2,
            ["sources"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = "bronze",
                    ["description"] = $"Every change of the tables of {origin}, in commit order (Strata CDC).",
                    ["schema"] = "bronze",
                    ["changelog"] = true,
                    ["loaded_at_field"] = "_commit_ts",
                    ["freshness"] = new Dictionary<string, object>
                    {
                        ["warn_after"] = new Dictionary<string, object> { ["count"] = 10, ["period"] = "minute" },
                        ["error_after"] = new Dictionary<string, object> { ["count"] = 1, ["period"] = "hour" },
                    },
                    ["tables"] = staged.Select(s => new Dictionary<string, object>
                    {
                        ["name"] = s.SourceName,
                        ["identifier"] = s.Table.BronzeName,
                        ["description"] = "",
                        ["columns"] = s.Table.Columns.Select(c => new Dictionary<string, object> { ["name"] = c.Name, ["description"] = "" }).ToList(),
                    }).ToList(),
                },
            },
        });

    private static string Model(SourceTable table, string sourceName, string model)
    {
        var keys = table.Columns.Where(c => c.IsKey).Select(c => c.Name).ToList();
        var sql = new StringBuilder();
        if (keys.Count == 0)
        {
            // current_state and history both need a key to say which versions belong together; without one there is
            // no current state to keep. A view over the changelog is correct, and says what it is.
            sql.Append(CultureInfo.InvariantCulture, $"-- {model}: every change of {Comment(table.DisplayName)} (generated by `strata init`).\n")
                .Append("-- The table has no primary key, so there is no \"current row\" to keep: this view lists every change the\n")
                .Append("-- changelog holds, one row per snapshot row, insert, update and delete (_op says which), not the table's\n")
                .Append("-- current state. Give the table a primary key and run `strata init --force` for a current-state model.\n")
                .Append("{{ config(materialized='view') }}\n");
        }
        else
        {
            sql.Append(CultureInfo.InvariantCulture, $"-- {model}: the current state of {Comment(table.DisplayName)}, one row per primary key (generated by `strata init`).\n")
                .Append("{{ config(unique_key=")
                .Append(keys.Count == 1 ? JinjaString(keys[0]) : "[" + string.Join(", ", keys.Select(JinjaString)) + "]")
                .Append(") }}\n");
        }

        sql.Append("select\n");
        foreach (var column in table.Columns)
        {
            sql.Append("    ").Append(Column(column.Name)).Append(",\n");
        }

        sql.Append("    {{ changelog_columns() }}\n")
            .Append("from {{ source('bronze', ").Append(JinjaString(sourceName)).Append(") }}\n");
        return sql.ToString();
    }

    private static string Schema(List<(SourceTable Table, string SourceName, string Model)> staged) =>
        Yaml.Serialize(new Dictionary<string, object>
        {
            ["version"] = 2,
            ["models"] = staged.Select(s =>
            {
                var keys = s.Table.Columns.Where(c => c.IsKey).ToList();
                var model = new Dictionary<string, object>
                {
                    ["name"] = s.Model,
                    ["description"] = keys.Count == 0
                        ? $"Every change of {s.Table.DisplayName} (it has no primary key)."
                        : $"The current state of {s.Table.DisplayName}, one row per {string.Join(", ", keys.Select(k => k.Name))}.",
                };
                if (keys.Count > 0)
                {
                    // A column of a composite key repeats across rows: only a single-column key is unique by itself.
                    model["columns"] = keys.Select(k => new Dictionary<string, object>
                    {
                        ["name"] = k.Name,
                        ["data_tests"] = keys.Count == 1 ? new[] { "unique", "not_null" } : new[] { "not_null" },
                    }).ToList();
                }

                return model;
            }).ToList(),
        });

    /// <summary>Text for an SQL comment line: no line breaks, nothing the template engine would read as a tag.</summary>
    private static string Comment(string text) => new(text.Select(c => char.IsControl(c) || c is '{' or '}' ? '_' : c).ToArray());

    private static string Identifier(string text) => NotIdentifier().Replace(text.ToLowerInvariant(), "_").Trim('_');

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex PlainIdentifier();

    [GeneratedRegex("[^a-z0-9_]+")]
    private static partial Regex NotIdentifier();
}
