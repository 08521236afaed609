using Npgsql.Replication.PgOutput;
using Strata.Warehouse;

namespace Strata.Ingestion.Catalog;

/// <summary>
/// pgoutput's binary values (<c>binary 'true'</c>, PostgreSQL 14+): read with the same typed readers as the snapshot's
/// binary COPY, so a streamed value lands in bronze exactly as a snapshotted one. Only tables whose every column has
/// such a reader stream in binary; one that does not (arrays, enums, json, domains, …) makes the stream fall back to
/// text, and so does a value bronze cannot hold (a numeric a decimal cannot hold exactly, NaN): only its text says
/// what it was.
/// </summary>
internal static class BinaryValues
{
    /// <summary>
    /// The built-in types (by OID: a domain over one is not, its values would need the catalog) whose binary form has a
    /// reader here that gives what their text form gives: bool, bytea, int8, int2, int4, text, float4, float8, bpchar,
    /// varchar, date, time, timestamp, timestamptz, numeric, uuid.
    /// </summary>
    private static readonly HashSet<uint> Readable = [16, 17, 20, 21, 23, 25, 700, 701, 1042, 1043, 1082, 1083, 1114, 1184, 1700, 2950];

    /// <summary>Whether every column of <paramref name="table"/> can be streamed in binary.</summary>
    public static bool Qualify(SourceTable table) => table.Columns.All(Qualifies);

    /// <summary>The column's value, from its binary form.</summary>
    public static async ValueTask<object?> ReadAsync(ReplicationValue value, SourceColumn column, SourceTable table, CancellationToken cancellationToken) => column.Type.Kind switch
    {
        WarehouseTypeKind.Boolean => await value.Get<bool>(cancellationToken),
        WarehouseTypeKind.Int16 => await value.Get<short>(cancellationToken),
        WarehouseTypeKind.Int32 => await value.Get<int>(cancellationToken),
        WarehouseTypeKind.Int64 => await value.Get<long>(cancellationToken),
        WarehouseTypeKind.Float32 => await value.Get<float>(cancellationToken),
        WarehouseTypeKind.Float64 => await value.Get<double>(cancellationToken),
        WarehouseTypeKind.Decimal => await ReadDecimalAsync(value, column, table, cancellationToken),
        // Raw days and microseconds, as the snapshot reads them: infinity stays infinity.
        WarehouseTypeKind.Date => PostgresTemporal.Date(await value.Get<int>(cancellationToken), column, table),
        WarehouseTypeKind.Time => await value.Get<TimeSpan>(cancellationToken),
        WarehouseTypeKind.Timestamp => PostgresTemporal.Timestamp(await value.Get<long>(cancellationToken), DateTimeKind.Unspecified, column, table),
        WarehouseTypeKind.TimestampTz => PostgresTemporal.Timestamp(await value.Get<long>(cancellationToken), DateTimeKind.Utc, column, table),
        WarehouseTypeKind.Uuid => await value.Get<Guid>(cancellationToken),
        WarehouseTypeKind.Bytes => await value.Get<byte[]>(cancellationToken),
        _ => await value.Get<string>(cancellationToken),
    };

    /// <summary>Whether the column's binary form has a reader here.</summary>
    public static bool Qualifies(SourceColumn column) =>
        !column.CastToText && Readable.Contains(column.TypeOid);

    private static async ValueTask<decimal> ReadDecimalAsync(ReplicationValue value, SourceColumn column, SourceTable table, CancellationToken cancellationToken)
    {
        try
        {
            return await value.Get<decimal>(cancellationToken);
        }
        catch (Exception ex) when (ex is OverflowException or InvalidCastException)
        {
            throw new IngestionException($"a value of {table.DisplayName}.{column.Name} ({column.SourceType}) is NaN, ±Infinity or beyond 28 significant digits", ex);
        }
    }
}
