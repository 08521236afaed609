using Strata.Errors;

namespace Strata.Infra;

/// <summary>A plan could not be read or applied: the server refused the admin login a privilege, or the declaration cannot be met.</summary>
public sealed class InfraException(string message, Exception? innerException = null) : StrataException(message, innerException);
