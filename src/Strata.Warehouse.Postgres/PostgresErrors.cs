using Npgsql;

namespace Strata.Warehouse.Postgres;

/// <summary>Npgsql's failures as <see cref="WarehouseException"/>s with a kind and the SQLSTATE, so nothing above the adapter names a driver type.</summary>
internal static class PostgresErrors
{
    /// <summary>The kind of a SQLSTATE: connection (08), shutdown (57P), resources (53) and conflicts (40001, 40P01) are worth another attempt.</summary>
    public static WarehouseErrorKind KindOf(string sqlState) => sqlState switch
    {
        "40001" or "40P01" => WarehouseErrorKind.Conflict,
        _ when sqlState.StartsWith("08", StringComparison.Ordinal) => WarehouseErrorKind.Unreachable,
        _ when sqlState.StartsWith("57P", StringComparison.Ordinal) || sqlState.StartsWith("53", StringComparison.Ordinal) => WarehouseErrorKind.Transient,
        _ when sqlState.StartsWith("28", StringComparison.Ordinal) || sqlState == "42501" => WarehouseErrorKind.Permission,
        _ => WarehouseErrorKind.Rejected,
    };

    /// <summary>The error for a failure of <paramref name="what"/> at <paramref name="location"/>.</summary>
    public static WarehouseException Translate(NpgsqlException exception, string location, string what) => exception switch
    {
        PostgresException pg => new WarehouseException($"the PostgreSQL warehouse at {location} rejected {what}: {pg.MessageText}", pg, KindOf(pg.SqlState), pg.SqlState),
        _ => new WarehouseException($"lost the PostgreSQL warehouse at {location} during {what} ({exception.Message})", exception, WarehouseErrorKind.Unreachable),
    };
}
