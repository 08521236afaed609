namespace Strata.Warehouse.Sharing;

/// <summary>A <see cref="SharedWarehouse"/>'s handle as one service holds it: every call goes to the shared handle; disposing it does not close that.</summary>
internal sealed class LentWarehouse(IWarehouse inner) : ForwardingWarehouse(inner)
{
    /// <inheritdoc />
    /// <remarks>The handle stays open for the other services; its owner closes it.</remarks>
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
