using Strata.Errors;

namespace Strata.Warehouse;

/// <summary>The warehouse refused a statement, is locked by another process, or a value does not fit its column.</summary>
public sealed class WarehouseException : StrataException
{
    /// <summary>Creates the error.</summary>
    public WarehouseException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>True when another process holds the warehouse (DuckDB's single writer).</summary>
    public bool InUse { get; init; }
}
