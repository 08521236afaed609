using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Strata.Source.Connection;

namespace Strata.Ingestion.Replication;

/// <summary>
/// A replication connection to the source as the CDC login: the stream reads from it, and the slots it creates
/// export a snapshot, a consistent copy of the source at the slot's consistent point.
/// </summary>
internal sealed class ReplicationSession : IAsyncDisposable
{
    private readonly SourceEndpoint _endpoint;

    private ReplicationSession(LogicalReplicationConnection connection, SourceEndpoint endpoint)
    {
        Connection = connection;
        _endpoint = endpoint;
    }

    /// <summary>The open connection.</summary>
    public LogicalReplicationConnection Connection { get; }

    /// <summary>Opens a replication connection; a login without REPLICATION or an unreachable server is one line with the fix.</summary>
    public static async Task<ReplicationSession> OpenAsync(string connectionString, SourceEndpoint endpoint, CancellationToken cancellationToken)
    {
        var connection = new LogicalReplicationConnection(connectionString);
        try
        {
            await connection.Open(cancellationToken);
            return new ReplicationSession(connection, endpoint);
        }
        catch (PostgresException ex) when (ex.SqlState is "28000" or "42501")
        {
            await connection.DisposeAsync();
            throw new IngestionException(
                $"login {endpoint.User} may not open a replication connection to {endpoint.Address} ({ex.MessageText}); run `strata source init` to give it REPLICATION", ex);
        }
        catch (NpgsqlException ex)
        {
            await connection.DisposeAsync();
            throw endpoint.Translate(ex, "replication");
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a pgoutput slot that exports its snapshot; the snapshot lives while this connection stays idle.</summary>
    public async Task<PgOutputReplicationSlot> CreateSlotAsync(string name, bool temporary, CancellationToken cancellationToken)
    {
        try
        {
            return await Connection.CreatePgOutputReplicationSlot(
                name, temporarySlot: temporary, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.Export, cancellationToken: cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == "53400")
        {
            throw new IngestionException(
                $"all replication slots on {_endpoint.Address} are in use, so slot {name} cannot be created; drop unused ones " +
                "(SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active) or raise max_replication_slots", ex);
        }
    }

    /// <summary>Drops a slot, waiting for a process that still holds it to let go.</summary>
    public Task DropSlotAsync(string name, CancellationToken cancellationToken) =>
        Connection.DropReplicationSlot(name, wait: true, cancellationToken);

    /// <summary>
    /// The <c>_lsn</c> of a snapshot's rows: just before the slot's consistent point. The snapshot holds every commit
    /// before that point; a transaction committing exactly at it is streamed, not in the snapshot, and must order after it.
    /// </summary>
    public static ulong SnapshotLsn(PgOutputReplicationSlot slot) => (ulong)slot.ConsistentPoint - 1;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
