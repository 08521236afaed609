using Npgsql;

namespace Strata.Ingestion.Streaming;

/// <summary>A replication slot as <c>pg_replication_slots</c> shows it.</summary>
internal sealed record SlotState(bool Active, int? ActivePid, string? WalStatus, string? ConfirmedFlushLsn, long? LagBytes, string? Database = null)
{
    public static async Task<SlotState?> ReadAsync(NpgsqlConnection connection, string slot, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT active, active_pid, wal_status, confirmed_flush_lsn::text, (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint, database " +
            "FROM pg_replication_slots WHERE slot_name = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = slot });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new SlotState(
            reader.GetBoolean(0),
            reader.IsDBNull(1) ? null : reader.GetInt32(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4),
            reader.IsDBNull(5) ? null : reader.GetString(5));
    }

    public void ThrowIfUnusable(string slot, string address, string database)
    {
        if (Database is not null && Database != database)
        {
            throw new IngestionException(
                $"replication slot {slot} on {address} belongs to database {Database}, not {database} (slot names are server-wide); " +
                "give this project its own ingest.pipeline or ingest.slot");
        }

        if (Active)
        {
            throw new IngestionException(
                $"replication slot {slot} on {address} is in use by another process (pid {ActivePid}); stop the other `strata ingest` (or `strata up`) first");
        }

        if (WalStatus == "lost")
        {
            throw new IngestionException(
                $"replication slot {slot} on {address} was invalidated (wal_status = lost: the server removed WAL it still needed), so changes were lost; " +
                "run `strata ingest --resync` to take a fresh snapshot");
        }
    }
}
