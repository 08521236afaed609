namespace Strata.Errors;

/// <summary>A setting or configuration file is wrong; the message names the file, line and column or the setting.</summary>
public sealed class ConfigurationException : StrataException
{
    /// <summary>Creates the error.</summary>
    public ConfigurationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
