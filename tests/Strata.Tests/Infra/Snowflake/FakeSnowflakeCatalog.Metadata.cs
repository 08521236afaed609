using System.Globalization;
using System.Text.Json;
using Strata.Tests.Warehouse.Snowflake;
using static Strata.Tests.Warehouse.Snowflake.SqlApiShapes;

namespace Strata.Tests.Infra.Snowflake;

/// <summary>
/// What Strata's metadata migration (<c>StrataSchema.EnsureAsync</c> through the Snowflake adapter, as infra apply runs
/// it) and infra's version check send, on the model: a schema looked up and created, tables created, the version
/// read and written. Names the session's database does not qualify are in the request's <c>database</c>. They are not
/// in <see cref="Executed"/>, which holds what infra's plan ran.
/// </summary>
public sealed partial class FakeSnowflakeCatalog
{
    /// <summary>The answer to a metadata statement; null when <paramref name="statement"/> is not one.</summary>
    private FakeAnswer? Metadata(FakeRequest request, string statement, string role, string handle)
    {
        FakeAnswer Rows(string column, params string?[] values) => ResultSet(handle, [Column(column, "fixed", scale: 0)], [.. values.Select(v => new[] { v })]);
        var done = Rows("status");

        var database = request.Body!.Value.TryGetProperty("database", out var current) ? current.GetString() : null;
        string InDatabase(string name) => name.Count(c => c == '.') switch
        {
            0 or 1 when database is null => throw new SnowflakeRefusal("090105", "22000", "Cannot perform the statement. This session does not have a current database."),
            0 or 1 => $"{database}.{name}",
            _ => name,
        };

        if (Match(statement, $"CREATE DATABASE IF NOT EXISTS (?<name>{Name})") is { } databaseCreate)
        {
            var name = Stored(databaseCreate["name"].Value);
            if (Databases.All(d => d["name"] != name))
            {
                Create("DATABASE", name, role);
            }

            return done;
        }

        if (Match(statement, "SELECT 1 FROM information_schema.schemata WHERE schema_name = \\?") is not null)
        {
            var schema = InDatabase(Binding(request, 1));
            return HasSchema(schema) ? Rows("1", "1") : Rows("1");
        }

        if (Match(statement, $"CREATE SCHEMA IF NOT EXISTS (?<name>{Name})") is { } schemaCreate)
        {
            var schema = InDatabase(Stored(schemaCreate["name"].Value));
            if (!HasSchema(schema))
            {
                Create("SCHEMA", schema, role);
            }

            return done;
        }

        if (Match(statement, "SELECT column_name, data_type, numeric_precision, numeric_scale, character_maximum_length FROM information_schema.columns WHERE table_schema = \\? AND table_name = \\? ORDER BY ordinal_position") is not null)
        {
            var table = InDatabase($"{Binding(request, 1)}.{Binding(request, 2)}");
            return HasTable(table) ? throw Unmodelled($"{statement} (columns of the existing table {table})") : Rows("COLUMN_NAME");
        }

        if (Match(statement, $"CREATE TABLE IF NOT EXISTS (?<name>{Name}) \\(.+\\)") is { } tableCreate)
        {
            var table = InDatabase(Stored(tableCreate["name"].Value));
            var schema = ExistingSchema(table[..table.LastIndexOf('.')]);
            if (!HasTable(table))
            {
                Tables.Add(Row("SHOW TABLES IN SCHEMA STRATA._STRATA", _ => true, new()
                {
                    ["name"] = table[(table.LastIndexOf('.') + 1)..], ["database_name"] = schema[..schema.IndexOf('.')], ["schema_name"] = schema[(schema.IndexOf('.') + 1)..],
                    ["owner"] = role, ["created_on"] = Created,
                }));
                Grant("OWNERSHIP", "TABLE", table, "ROLE", role, role);
            }

            return done;
        }

        if (Match(statement, $"SELECT (?:max|MAX)\\((?:version|VERSION|\"VERSION\")\\)(?: AS VERSION)? FROM (?<table>{Name})") is { } versionRead)
        {
            var table = InDatabase(Stored(versionRead["table"].Value));
            _ = ExistingTable(table);
            return Rows("VERSION", Versions.TryGetValue(table[..table.LastIndexOf('.')], out var version) ? version.ToString(CultureInfo.InvariantCulture) : null);
        }

        if (Match(statement, $"INSERT INTO (?<table>{Name}) \\(\"VERSION\", \"APPLIED_AT\"\\) VALUES \\(\\?, \\?\\)") is { } versionWrite)
        {
            var table = ExistingTable(InDatabase(Stored(versionWrite["table"].Value)));
            Versions[table[..table.LastIndexOf('.')]] = long.Parse(Binding(request, 1), CultureInfo.InvariantCulture);
            return done;
        }

        return null;
    }

    private static string Qualified(Dictionary<string, string?> table) => $"{table["database_name"]}.{table["schema_name"]}.{table["name"]}";

    /// <summary>The text of the statement's binding <paramref name="index"/> (1-based), as the SQL API sends it.</summary>
    private static string Binding(FakeRequest request, int index) =>
        request.Body!.Value.GetProperty("bindings").GetProperty(index.ToString(CultureInfo.InvariantCulture)).GetProperty("value").GetString()
        ?? throw new JsonException($"binding {index} has no value");
}
