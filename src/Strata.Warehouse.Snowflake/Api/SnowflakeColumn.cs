namespace Strata.Warehouse.Snowflake.Api;

/// <summary>One entry of <c>resultSetMetaData.rowType</c>: a result column's name and Snowflake type.</summary>
/// <param name="Name">The column's name as Snowflake reports it.</param>
/// <param name="Type">The type in lower case: <c>fixed</c>, <c>real</c>, <c>text</c>, <c>boolean</c>, <c>date</c>, <c>time</c>, <c>timestamp_ntz</c>, …</param>
/// <param name="Precision">Digits, for <c>fixed</c>.</param>
/// <param name="Scale">Digits after the point for <c>fixed</c>; fractional-second digits for times and timestamps.</param>
/// <param name="Nullable">Whether it may hold null.</param>
public sealed record SnowflakeColumn(string Name, string Type, int? Precision, int? Scale, bool Nullable);
