namespace Strata.Source.Schema;

/// <summary>PostgreSQL identifier and literal quoting.</summary>
public static class Sql
{
    /// <summary>Quotes an identifier: <c>"name"</c>, with inner quotes doubled.</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Quotes a string literal: <c>'text'</c>, with inner quotes doubled.</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary><c>"schema"."table"</c>.</summary>
    public static string Qualified(string schema, string table) => Identifier(schema) + "." + Identifier(table);
}
