using System.Globalization;
using System.Text.Json;

namespace Strata.Warehouse.Snowflake.Api;

/// <summary>
/// The JSON body of <c>POST /api/v2/statements</c> ("Body of the POST request to /api/v2/statements/"): the
/// statement, its session (database, schema, warehouse, role), its timeout, its bindings and the parameters every
/// Strata request sets — <c>TIMEZONE=UTC</c> (so TIMESTAMP_LTZ and CURRENT_TIMESTAMP read the same on every
/// account), <c>QUERY_TAG</c> naming the job, and <c>MULTI_STATEMENT_COUNT</c> for several statements.
/// </summary>
internal static class SnowflakeRequestBody
{
    public static byte[] Write(SnowflakeStatement statement, SnowflakeClientOptions options)
    {
        if (statement.StatementCount > 1 && statement.Bindings is { Count: > 0 })
        {
            throw new ArgumentException("the SQL API takes no bind variables in a multi-statement request: write literals", nameof(statement));
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("statement", statement.Sql);
            if (options.StatementTimeout is { } timeout)
            {
                json.WriteNumber("timeout", (long)Math.Ceiling(timeout.TotalSeconds));
            }

            WriteIfSet(json, "database", options.Database);
            WriteIfSet(json, "schema", options.Schema);
            WriteIfSet(json, "warehouse", options.Warehouse);
            WriteIfSet(json, "role", options.Role);
            if (statement.Bindings is { Count: > 0 } bindings)
            {
                json.WriteStartObject("bindings");
                for (var i = 0; i < bindings.Count; i++)
                {
                    json.WriteStartObject((i + 1).ToString(CultureInfo.InvariantCulture));
                    json.WriteString("type", bindings[i].Type);
                    json.WriteString("value", bindings[i].Value);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteStartObject("parameters");
            json.WriteString("TIMEZONE", "UTC");
            json.WriteString("QUERY_TAG", statement.QueryTag);
            if (statement.StatementCount > 1)
            {
                json.WriteString("MULTI_STATEMENT_COUNT", statement.StatementCount.ToString(CultureInfo.InvariantCulture));
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, value);
        }
    }
}
