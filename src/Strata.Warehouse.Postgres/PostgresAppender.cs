using Npgsql;
using NpgsqlTypes;

namespace Strata.Warehouse.Postgres;

/// <summary>Rows through binary COPY, typed by the target columns.</summary>
internal sealed class PostgresAppender(NpgsqlBinaryImporter importer, IReadOnlyList<WarehouseColumn> columns, string location) : IBulkAppender
{
    private readonly NpgsqlDbType[] _types = columns.Select(c => DbType(c.Type)).ToArray();

    public void Append(ReadOnlySpan<object?> values)
    {
        try
        {
            AppendRow(values);
        }
        catch (NpgsqlException ex)
        {
            throw PostgresErrors.Translate(ex, location, "a bulk load");
        }
    }

    private void AppendRow(ReadOnlySpan<object?> values)
    {
        importer.StartRow();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is null)
            {
                importer.WriteNull();
            }
            else if (!PostgresValues.TryWriteRaw(importer, values[i]!, columns[i].Type.Kind))
            {
                importer.Write(values[i], _types[i]);
            }
        }
    }

    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await importer.CompleteAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            throw PostgresErrors.Translate(ex, location, "a bulk load");
        }

        // The connection stays in COPY mode until the importer is disposed; the transaction goes on after this.
        await importer.DisposeAsync();
    }

    public ValueTask DisposeAsync() => importer.DisposeAsync();

    private static NpgsqlDbType DbType(WarehouseType type) => type.Kind switch
    {
        WarehouseTypeKind.Boolean => NpgsqlDbType.Boolean,
        WarehouseTypeKind.Int16 => NpgsqlDbType.Smallint,
        WarehouseTypeKind.Int32 => NpgsqlDbType.Integer,
        WarehouseTypeKind.Int64 => NpgsqlDbType.Bigint,
        WarehouseTypeKind.Float32 => NpgsqlDbType.Real,
        WarehouseTypeKind.Float64 => NpgsqlDbType.Double,
        WarehouseTypeKind.Decimal => NpgsqlDbType.Numeric,
        WarehouseTypeKind.Date => NpgsqlDbType.Date,
        WarehouseTypeKind.Time => NpgsqlDbType.Time,
        WarehouseTypeKind.Timestamp => NpgsqlDbType.Timestamp,
        WarehouseTypeKind.TimestampTz => NpgsqlDbType.TimestampTz,
        WarehouseTypeKind.Uuid => NpgsqlDbType.Uuid,
        WarehouseTypeKind.Json => NpgsqlDbType.Jsonb,
        WarehouseTypeKind.Bytes => NpgsqlDbType.Bytea,
        _ => NpgsqlDbType.Text,
    };
}
