using Npgsql;
using Strata.Ingestion.Ownership;
using Strata.Ingestion.Streaming;
using Strata.Output;
using Strata.Warehouse;

namespace Strata.Ingestion.Replication;

/// <summary>
/// Makes sure the slot belongs to this warehouse before anything uses or drops it: two warehouses streaming one slot
/// would each miss the changes the other took.
/// </summary>
internal sealed class SlotClaim(string pipeline, string slot, TimeProvider clock, IStrataConsole console)
{
    /// <summary>
    /// Claims the slot for this warehouse. A slot another warehouse owns, or one nobody claimed that this warehouse
    /// holds no checkpoint of, is refused unless <paramref name="takeOver"/>.
    /// </summary>
    /// <returns>True when the slot was taken over from another warehouse.</returns>
    public async Task<bool> ClaimAsync(
        NpgsqlConnection source, IWarehouse warehouse, SlotState? state, ulong? checkpoint, bool takeOver, string address, CancellationToken cancellationToken)
    {
        var me = new SlotOwner(await WarehouseIdentity.GetOrCreateAsync(warehouse, cancellationToken), $"{warehouse.Engine} {warehouse.Location}", pipeline, clock.GetUtcNow().UtcDateTime);
        var owner = await SlotOwners.ReadAsync(source, slot, address, cancellationToken);
        if (owner?.WarehouseId == me.WarehouseId)
        {
            return false;
        }

        var foreign = owner is not null || (state is not null && checkpoint is null);
        if (foreign && !takeOver)
        {
            var whose = owner is null
                ? "exists, but no warehouse has claimed it and this one holds no checkpoint of it (it may feed a warehouse made before slot ownership)"
                : $"belongs to another warehouse: {owner.Describe()}";
            throw new IngestionException(
                $"replication slot {slot} on {address} {whose}; streaming it here would take that warehouse's changes. " +
                $"Give this warehouse ({me.Warehouse}) a pipeline of its own (ingest.pipeline, e.g. STRATA_INGEST_PIPELINE={pipeline}_2), " +
                "or move the slot here with `strata ingest --take-over-slot` (the other warehouse then misses every change from now on)");
        }

        var claimed = await SlotOwners.ClaimAsync(source, slot, me, takeOver, address, cancellationToken);
        if (claimed.WarehouseId != me.WarehouseId)
        {
            throw new IngestionException($"replication slot {slot} on {address} was just claimed by another warehouse: {claimed.Describe()}; give this warehouse a pipeline of its own (ingest.pipeline)");
        }

        if (foreign)
        {
            console.Warning(
                $"took replication slot {slot} over from {owner?.Describe() ?? "an unclaimed slot"}: that warehouse misses every change from now on; this one takes a fresh snapshot");
        }

        return foreign;
    }
}
