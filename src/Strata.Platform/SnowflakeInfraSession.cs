using System.Globalization;
using Strata.Configuration;
using Strata.Infra.Snowflake;
using Strata.Warehouse;
using Strata.Warehouse.Snowflake;
using Strata.Warehouse.Snowflake.Api;

namespace Strata.Platform;

/// <summary>
/// <c>strata infra</c>'s Snowflake session over the adapter's SQL API client: SHOW rows as text by lower-case column
/// name, and each planned statement a request of its own (Snowflake commits each as it runs). Here, because it joins
/// the two: Strata.Infra speaks no HTTP and the adapter knows nothing of infra.
/// </summary>
/// <param name="client">The client, outside any database (owned: disposed with the session).</param>
public sealed class SnowflakeInfraSession(SnowflakeClient client) : ISnowflakeSession, IDisposable
{
    // SQLSTATE 02000 ("no data") is Snowflake's answer about an object that does not exist or the role may not see:
    // error 002003 "… does not exist or not authorized" and 002043 "Object does not exist, or operation cannot be performed".
    private const string NoSuchObject = "02000";

    private const string Job = "infra";

    /// <summary>Opens the account <c>warehouse.*</c> describes, as its configured user and role, asking it once.</summary>
    public static async Task<SnowflakeInfraSession> OpenAsync(StrataConfig config, CancellationToken cancellationToken = default) =>
        new(await SnowflakeWarehouseProvider.OpenAccountClientAsync(config, cancellationToken));

    /// <inheritdoc />
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string?>>> ShowAsync(string statement, CancellationToken cancellationToken = default)
    {
        SnowflakeResult result;
        try
        {
            result = await client.ExecuteAsync(statement, Job, cancellationToken: cancellationToken);
        }
        catch (WarehouseException ex) when (ex.SqlState == NoSuchObject)
        {
            return [];
        }

        var names = result.Columns.Select(c => c.Name.ToLowerInvariant()).ToList();
        return [.. result.Rows.Select(row => (IReadOnlyDictionary<string, string?>)names.Select((name, i) => (Name: name, Value: i < row.Length ? Text(row[i]) : null))
            .ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal))];
    }

    /// <inheritdoc />
    public Task ExecuteAsync(string statement, CancellationToken cancellationToken = default) => client.ExecuteAsync(statement, Job, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public void Dispose() => client.Dispose();

    /// <summary>
    /// A cell as SHOW's text: the client types cells by their column (a quota of 100.00 comes back as a decimal), and
    /// the catalog reader compares text, normalised on its side (<c>100.00</c> = <c>100</c>, <c>true</c> = <c>Y</c>).
    /// </summary>
    private static string? Text(object? value) => value switch
    {
        null => null,
        bool flag => flag ? "true" : "false",
        DateTimeOffset instant => instant.ToString("O", CultureInfo.InvariantCulture),
        DateTime moment => moment.ToString("O", CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToHexString(bytes),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
