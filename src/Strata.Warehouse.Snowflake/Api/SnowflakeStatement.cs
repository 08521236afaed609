namespace Strata.Warehouse.Snowflake.Api;

/// <summary>What one request to <c>POST /api/v2/statements</c> runs.</summary>
/// <param name="Sql">The statement, or several separated by <c>;</c> when <paramref name="StatementCount"/> is above 1.</param>
/// <param name="Job">The Strata job it belongs to: the request's <c>QUERY_TAG</c> is <c>strata:&lt;job&gt;</c>, to find it in QUERY_HISTORY.</param>
/// <param name="Bindings">Values for the <c>?</c> markers, in order; the SQL API allows none in a multi-statement request.</param>
/// <param name="StatementCount">How many statements <paramref name="Sql"/> holds (<c>MULTI_STATEMENT_COUNT</c>).</param>
public sealed record SnowflakeStatement(string Sql, string Job, IReadOnlyList<SnowflakeBinding>? Bindings = null, int StatementCount = 1)
{
    /// <summary>The value of the <c>QUERY_TAG</c> session parameter.</summary>
    public string QueryTag => $"strata:{Job}";
}
