namespace Strata.Errors;

/// <summary>The source database is unreachable, refuses us, or is not set up the way Strata needs.</summary>
public sealed class SourceException : StrataException
{
    private readonly bool _isTransient;

    /// <summary>Creates the error.</summary>
    public SourceException(string message, Exception? innerException = null, bool isTransient = false)
        : base(message, innerException)
    {
        _isTransient = isTransient;
    }

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
