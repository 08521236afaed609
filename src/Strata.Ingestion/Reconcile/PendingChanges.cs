using Npgsql;
using NpgsqlTypes;

namespace Strata.Ingestion.Reconcile;

/// <summary>
/// The published changes a slot holds that bronze lacks, read without consuming anything: reconcile compares only
/// what is ingested, it never ingests itself.
/// </summary>
internal static class PendingChanges
{
    /// <summary>
    /// Peeks <paramref name="slot"/> up to <paramref name="upto"/> (its transactions committing before that point,
    /// as the comparison snapshot holds them) and counts the inserts, updates, deletes and truncates of transactions
    /// committed after <paramref name="checkpoint"/>: a process stopped between writing a batch and acknowledging it
    /// leaves the slot behind bronze, and those changes are in bronze already.
    /// </summary>
    /// <returns>The count, or null when another process took the slot meanwhile.</returns>
    public static async Task<long?> CountAsync(
        NpgsqlConnection source, string slot, string publication, ulong upto, ulong checkpoint, CancellationToken cancellationToken)
    {
        // pgoutput v1 messages start with their kind: B(egin), R(elation), I(nsert), U(pdate), D(elete), T(runcate),
        // M(essage: heartbeats), C(ommit: flags, then the commit LSN in 8 bytes) and so on.
        const string Sql = """
            WITH m AS (
                SELECT xid, get_byte(data, 0) AS kind, data
                FROM pg_logical_slot_peek_binary_changes($1::name, $2::pg_lsn, NULL, 'proto_version', '1', 'publication_names', $3))
            SELECT count(*) FROM m
            WHERE kind IN (73, 85, 68, 84)
              AND xid IN (SELECT xid FROM m WHERE kind = 67 AND ('x' || encode(substring(data FROM 3 FOR 8), 'hex'))::bit(64)::bigint > $4)
            """;
        await using var command = new NpgsqlCommand(Sql, source);
        command.Parameters.Add(new NpgsqlParameter { Value = slot });
        command.Parameters.Add(new NpgsqlParameter { Value = new NpgsqlLogSequenceNumber(upto).ToString() });
        // As the stream names it (PgOutputReplicationOptions): one quoted identifier.
        command.Parameters.Add(new NpgsqlParameter { Value = $"\"{publication}\"" });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)checkpoint });
        try
        {
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse)
        {
            return null;
        }
    }
}
