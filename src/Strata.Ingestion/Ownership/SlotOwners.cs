using Npgsql;
using Strata.Source.Schema;

namespace Strata.Ingestion.Ownership;

/// <summary>The warehouse a replication slot belongs to, as recorded in the source's <see cref="SlotOwnersTable"/>.</summary>
/// <param name="WarehouseId">Its <see cref="WarehouseIdentity"/>.</param>
/// <param name="Warehouse">Engine and location, for messages (<c>duckdb /srv/.strata/warehouse.duckdb</c>).</param>
/// <param name="Pipeline">The pipeline that claimed it.</param>
/// <param name="ClaimedAt">When (UTC).</param>
internal sealed record SlotOwner(string WarehouseId, string Warehouse, string Pipeline, DateTime ClaimedAt)
{
    public string Describe() => $"{Warehouse} (pipeline {Pipeline}, since {ClaimedAt:yyyy-MM-dd HH:mm:ss} UTC)";
}

/// <summary>Reads and claims slot ownership on the source.</summary>
internal static class SlotOwners
{
    public static async Task<SlotOwner?> ReadAsync(NpgsqlConnection source, string slot, string address, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand(
                $"SELECT warehouse_id, warehouse, pipeline, claimed_at FROM {SlotOwnersTable.Qualified} WHERE slot_name = $1", source);
            command.Parameters.Add(new NpgsqlParameter { Value = slot });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new SlotOwner(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetDateTime(3))
                : null;
        }
        catch (PostgresException ex) when (ex.SqlState is "42P01" or "3F000" or "42501")
        {
            throw new IngestionException(
                $"the source on {address} has no {SlotOwnersTable.Qualified} this login can use ({ex.MessageText}), so ingestion cannot tell which warehouse owns slot {slot}; " +
                "run `strata source init` (it adds the table)", ex);
        }
    }

    /// <summary>Records <paramref name="owner"/> as the slot's owner: only where nobody owns it yet, unless <paramref name="takeOver"/>.</summary>
    /// <returns>The owner recorded afterwards (another warehouse's when it claimed the slot first).</returns>
    public static async Task<SlotOwner> ClaimAsync(
        NpgsqlConnection source, string slot, SlotOwner owner, bool takeOver, string address, CancellationToken cancellationToken)
    {
        await using (var command = new NpgsqlCommand(
            $"INSERT INTO {SlotOwnersTable.Qualified} (slot_name, warehouse_id, warehouse, pipeline, claimed_at) VALUES ($1, $2, $3, $4, $5) " +
            "ON CONFLICT (slot_name) DO UPDATE SET warehouse_id = excluded.warehouse_id, warehouse = excluded.warehouse, pipeline = excluded.pipeline, " +
            $"claimed_at = excluded.claimed_at WHERE $6 OR {SlotOwnersTable.Qualified}.warehouse_id = excluded.warehouse_id", source))
        {
            foreach (var value in new object[] { slot, owner.WarehouseId, owner.Warehouse, owner.Pipeline, owner.ClaimedAt, takeOver })
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return await ReadAsync(source, slot, address, cancellationToken) ?? owner;
    }
}
