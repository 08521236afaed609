namespace Strata.Warehouse;

/// <summary>
/// A SQL parser that hands back a SELECT statement's syntax tree, so that the model engine can follow columns through
/// compiled SQL (column-level lineage) without a SQL grammar of its own. The tree is DuckDB's
/// (<c>json_serialize_sql</c>): whatever the warehouse, the composition root (<c>Strata.Platform</c>) lends the
/// embedded engine's parser, and a statement it cannot parse is reported as such, never guessed at.
/// </summary>
public interface ISqlParser : IDisposable
{
    /// <summary>Parses <paramref name="sql"/>: its tree as JSON text, or why it could not be parsed.</summary>
    SqlParseResult Parse(string sql);
}

/// <summary>The outcome of <see cref="ISqlParser.Parse"/>: exactly one of the two is set.</summary>
/// <param name="Json">The tree, DuckDB's <c>json_serialize_sql</c> document (<c>{"error": false, "statements": [...]}</c>).</param>
/// <param name="Error">The parser's one-line reason.</param>
public sealed record SqlParseResult(string? Json, string? Error);
