namespace Strata.Warehouse.Snowflake.Api;

/// <summary>The outcome of one statement: its handle, its typed rows (every partition) and what it changed.</summary>
/// <param name="StatementHandle">Snowflake's id of the statement (the query id).</param>
/// <param name="Columns">The result's columns.</param>
/// <param name="Rows">The rows, values typed from <paramref name="Columns"/> (<see cref="SnowflakeValues"/>).</param>
/// <param name="RowsAffected">Rows inserted, updated and deleted, from the response's <c>stats</c>; null when it gave none.</param>
public sealed record SnowflakeResult(string StatementHandle, IReadOnlyList<SnowflakeColumn> Columns, List<object?[]> Rows, long? RowsAffected);
