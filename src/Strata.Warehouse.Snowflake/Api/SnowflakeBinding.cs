namespace Strata.Warehouse.Snowflake.Api;

/// <summary>
/// One bind variable (<c>?</c>) of a request, as the SQL API's "Using bind variables in a statement" section has it:
/// a Snowflake type (<c>FIXED</c>, <c>REAL</c>, <c>TEXT</c>, <c>BOOLEAN</c>, <c>DATE</c>, <c>TIME</c>,
/// <c>TIMESTAMP_NTZ</c>, <c>TIMESTAMP_LTZ</c>, <c>TIMESTAMP_TZ</c>, <c>BINARY</c>) and the value as text, or null.
/// </summary>
public sealed record SnowflakeBinding(string Type, string? Value);
