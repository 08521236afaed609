using Strata.Errors;

namespace Strata.Ingestion;

/// <summary>Ingestion cannot go on: the slot is gone or held, a column changed type, the source refuses us, …</summary>
public sealed class IngestionException : StrataException
{
    private readonly bool _isTransient;

    /// <summary>Creates the error.</summary>
    public IngestionException(string message, Exception? innerException = null, bool isTransient = false)
        : base(message, innerException)
    {
        _isTransient = isTransient;
    }

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
