namespace Strata.Errors;

/// <summary>A command was called with arguments that cannot work together or out of range.</summary>
public sealed class UsageException : StrataException
{
    /// <summary>Creates the error.</summary>
    public UsageException(string message)
        : base(message)
    {
    }
}
