namespace Strata.Infra.Snowflake;

/// <summary>
/// Runs one <c>SHOW …</c> statement and returns its rows, each column by its lower-case name as Snowflake documents it
/// (<c>privilege</c>, <c>granted_on</c>, <c>name</c>, <c>grantee_name</c>, <c>size</c>, …), values as text.
/// <see cref="ISnowflakeSession"/> reads it through the SQL API; tests feed captured output.
/// </summary>
public interface ISnowflakeShow
{
    /// <summary>The rows of <paramref name="statement"/>; an object that does not exist yields no rows.</summary>
    Task<IReadOnlyList<IReadOnlyDictionary<string, string?>>> ShowAsync(string statement, CancellationToken cancellationToken = default);
}
