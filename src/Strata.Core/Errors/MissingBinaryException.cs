namespace Strata.Errors;

/// <summary>A program Strata needs (for example the PostgreSQL server) is not installed; the message gives the install command.</summary>
public sealed class MissingBinaryException : StrataException
{
    /// <summary>Creates the error.</summary>
    public MissingBinaryException(string message)
        : base(message)
    {
    }
}
