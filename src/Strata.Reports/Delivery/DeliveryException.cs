using Strata.Errors;

namespace Strata.Reports.Delivery;

/// <summary>A delivery failed; transient ones (network, server busy) are retried.</summary>
public sealed class DeliveryException(string message, Exception? innerException, bool transient) : StrataException(message, innerException)
{
    /// <inheritdoc />
    public override bool IsTransient => transient;
}
