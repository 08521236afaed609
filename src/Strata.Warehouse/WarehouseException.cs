using Strata.Errors;

namespace Strata.Warehouse;

/// <summary>What kind of failure a warehouse reported: callers decide on the kind, never on a driver's exception type.</summary>
public enum WarehouseErrorKind
{
    /// <summary>The engine refused the statement (syntax, a missing relation, a value that does not fit): the same statement fails again.</summary>
    Rejected,

    /// <summary>A concurrent transaction got in the way (serialization failure, deadlock): try again.</summary>
    Conflict,

    /// <summary>The engine is busy or restarting (out of resources, shutting down): try again later.</summary>
    Transient,

    /// <summary>Another process holds the warehouse (DuckDB's single writer).</summary>
    InUse,

    /// <summary>The warehouse cannot be reached (network, a dropped connection).</summary>
    Unreachable,

    /// <summary>The login is refused or lacks a privilege.</summary>
    Permission,
}

/// <summary>The warehouse refused a statement, is locked by another process, is away, or a value does not fit its column.</summary>
public sealed class WarehouseException : StrataException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">What is wrong, where, and what to do.</param>
    /// <param name="innerException">The driver's exception.</param>
    /// <param name="kind">What kind of failure it is.</param>
    /// <param name="sqlState">The engine's code (SQLSTATE) when it gave one.</param>
    public WarehouseException(string message, Exception? innerException = null, WarehouseErrorKind kind = WarehouseErrorKind.Rejected, string? sqlState = null)
        : base(message, innerException)
    {
        Kind = kind;
        SqlState = sqlState;
    }

    /// <summary>What kind of failure it is.</summary>
    public WarehouseErrorKind Kind { get; }

    /// <summary>The engine's code (SQLSTATE), or null.</summary>
    public string? SqlState { get; }

    /// <summary>True when another process holds the warehouse (DuckDB's single writer).</summary>
    public bool InUse => Kind == WarehouseErrorKind.InUse;

    /// <inheritdoc />
    public override bool IsTransient => Kind is WarehouseErrorKind.Conflict or WarehouseErrorKind.Transient or WarehouseErrorKind.Unreachable;
}
