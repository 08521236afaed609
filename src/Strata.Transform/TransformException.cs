using Strata.Errors;

namespace Strata.Transform;

/// <summary>A project file, model, template or SQL error; the message names the model and file:line.</summary>
public sealed class TransformException : StrataException
{
    /// <summary>Creates the error.</summary>
    public TransformException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
