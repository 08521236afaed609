namespace Strata.Errors;

/// <summary>The root of every error Strata reports to a user: one line saying what, where and what to do.</summary>
/// <remarks>The CLI prints <see cref="Exception.Message"/> alone and exits 1; anything else is unexpected (exit 2).</remarks>
public class StrataException : Exception
{
    /// <summary>Creates an error whose message names what is wrong, where, and the fix.</summary>
    public StrataException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>True when retrying the same operation later may succeed (a server restarting, a network blip).</summary>
    public virtual bool IsTransient => false;
}
