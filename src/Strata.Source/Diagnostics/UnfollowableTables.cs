using Npgsql;

namespace Strata.Source.Diagnostics;

/// <summary>
/// Published tables whose updates and deletes the source itself refuses once they are in a publication that
/// publishes them: no primary key and REPLICA IDENTITY DEFAULT, or REPLICA IDENTITY NOTHING. The source's own
/// <c>UPDATE</c> then fails ("cannot update table … because it does not have a replica identity and publishes updates").
/// </summary>
public static class UnfollowableTables
{
    /// <summary>The fix, for messages.</summary>
    public const string Fix =
        "give each a primary key, or ALTER TABLE … REPLICA IDENTITY FULL, or move it out of the published schema";

    /// <summary>Such tables of <paramref name="publication"/> as <c>schema.table</c>, sorted.</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(NpgsqlConnection connection, string publication, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            SELECT pt.schemaname || '.' || pt.tablename
            FROM pg_publication p
            JOIN pg_publication_tables pt ON pt.pubname = p.pubname
            JOIN pg_namespace n ON n.nspname = pt.schemaname
            JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename
            WHERE p.pubname = $1 AND (p.pubupdate OR p.pubdelete)
              AND (c.relreplident = 'n' OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)))
            ORDER BY 1
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = publication });
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    /// <summary>One line naming them and the fix.</summary>
    public static string Describe(IReadOnlyList<string> tables, string publication) =>
        $"{string.Join(", ", tables)} {(tables.Count == 1 ? "has" : "have")} no primary key or replica identity, so the source refuses their UPDATE and DELETE " +
        $"while publication {publication} publishes them; {Fix}";
}
