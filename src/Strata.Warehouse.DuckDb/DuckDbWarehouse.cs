using DuckDB.NET.Data;

namespace Strata.Warehouse.DuckDb;

/// <summary>
/// The embedded default warehouse: a DuckDB file. DuckDB lets one process write a file, through one connection
/// at a time here; readers in the same process open their own connections to the same database instance.
/// </summary>
public sealed class DuckDbWarehouse : WarehouseBase
{
    /// <summary>Decimals wider than DuckDB's 38 digits cannot be stored exactly.</summary>
    public const int MaxDecimalPrecision = 38;

    /// <summary>The type unconstrained <c>numeric</c> maps to: 28 integer and 10 fractional digits; a value beyond fails loudly.</summary>
    public static readonly WarehouseType UnconstrainedDecimal = new(WarehouseTypeKind.Decimal, 38, 10);

    private readonly DuckDBConnection _connection;
    private readonly DuckDBConnection _reader;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly SemaphoreSlim _reading = new(1, 1);

    private DuckDbWarehouse(string path, DuckDBConnection connection)
    {
        Location = path;
        _connection = connection;
        // Reads outside a transaction use a second connection to the same database: they see committed data and
        // never wait for a long write transaction.
        _reader = new DuckDBConnection(connection.ConnectionString);
        _reader.Open();
    }

    /// <inheritdoc />
    public override string Engine => "duckdb";

    /// <inheritdoc />
    public override string Location { get; }

    /// <inheritdoc />
    public override WarehouseCapabilities Capabilities { get; } = new(ParallelWriters: false, MaxDecimalPrecision: MaxDecimalPrecision, SingleWriterProcess: true);

    /// <inheritdoc />
    /// <remarks>
    /// DuckDB's own integer types: <c>sum()</c> of integers gives a HUGEINT (128 bits), read back as an exact
    /// DECIMAL(38,0) rather than as text (a sum past 10^38 would not fit it); the small and unsigned ones as the next
    /// signed type that holds them.
    /// </remarks>
    protected override WarehouseType ParseTypeName(string name) => name.ToUpperInvariant() switch
    {
        "TINYINT" or "UTINYINT" => new(WarehouseTypeKind.Int16),
        "USMALLINT" => WarehouseType.Int32,
        "UINTEGER" => WarehouseType.Int64,
        "UBIGINT" or "HUGEINT" or "UHUGEINT" => new(WarehouseTypeKind.Decimal, MaxDecimalPrecision, 0),
        _ => base.ParseTypeName(name),
    };

    /// <inheritdoc />
    public override string DaysBetweenSql(string from, string to) => $"date_diff('day', CAST({from} AS DATE), CAST({to} AS DATE))";

    /// <summary>Opens (creating when missing) the database file at <paramref name="path"/>.</summary>
    public static async Task<DuckDbWarehouse> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            Files.OwnerOnly.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WarehouseException($"cannot create the folder of the warehouse {path} ({ex.Message}); point warehouse.path at a folder you can write to", ex);
        }

        var connection = new DuckDBConnection($"Data Source={path}");
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (DuckDBException ex) when (ex.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
        {
            await connection.DisposeAsync();
            throw new WarehouseException(
                $"the warehouse {path} is in use by another process (DuckDB allows one writer); stop that process (e.g. `strata up`) or point warehouse.path elsewhere", ex, WarehouseErrorKind.InUse);
        }
        catch (DuckDBException ex)
        {
            await connection.DisposeAsync();
            throw new WarehouseException($"cannot open the warehouse {path} ({ex.Message.Split('\n')[0].Replace("DuckDBOpen failed: ", "", StringComparison.Ordinal)}); point warehouse.path at a DuckDB file you can write to", ex);
        }

        // The data is the business's: readable by the owner only.
        Files.OwnerOnly.Restrict(path);
        Files.OwnerOnly.Restrict(path + ".wal");
        return new DuckDbWarehouse(path, connection);
    }

    /// <inheritdoc />
    public override string TypeName(WarehouseType type) => Name(type);

    /// <summary>DuckDB's name for a column type.</summary>
    internal static string Name(WarehouseType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            WarehouseTypeKind.Boolean => "BOOLEAN",
            WarehouseTypeKind.Int16 => "SMALLINT",
            WarehouseTypeKind.Int32 => "INTEGER",
            WarehouseTypeKind.Int64 => "BIGINT",
            WarehouseTypeKind.Float32 => "REAL",
            WarehouseTypeKind.Float64 => "DOUBLE",
            WarehouseTypeKind.Decimal when type.Precision is { } p && p <= MaxDecimalPrecision => $"DECIMAL({p},{type.Scale ?? 0})",
            WarehouseTypeKind.Decimal when type.Precision is null => Name(UnconstrainedDecimal),
            WarehouseTypeKind.Decimal => "VARCHAR",
            WarehouseTypeKind.Date => "DATE",
            WarehouseTypeKind.Time => "TIME",
            WarehouseTypeKind.Timestamp => "TIMESTAMP",
            WarehouseTypeKind.TimestampTz => "TIMESTAMPTZ",
            WarehouseTypeKind.Uuid => "UUID",
            WarehouseTypeKind.Bytes => "BLOB",
            _ => "VARCHAR",
        };
    }

    /// <inheritdoc />
    public override async Task<IWarehouseTransaction> BeginAsync(CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            return new DuckDbTransaction(_connection, _connection.BeginTransaction(), _writer);
        }
        catch
        {
            _writer.Release();
            throw;
        }
    }

    /// <inheritdoc />
    public override async Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        await _reading.WaitAsync(cancellationToken);
        try
        {
            await using var command = _reader.CreateCommand();
            command.CommandText = sql;
            foreach (var value in parameters ?? [])
            {
                command.Parameters.Add(new DuckDBParameter(value ?? DBNull.Value));
            }

            return await command.ReadAllRowsAsync(DuckDbValues.ColumnReader, cancellationToken);
        }
        catch (DuckDBException ex)
        {
            throw new WarehouseException($"DuckDB rejected a query: {ex.Message.Split('\n')[0]}", ex);
        }
        finally
        {
            _reading.Release();
        }
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _connection.DisposeAsync();
        _writer.Dispose();
        _reading.Dispose();
    }
}
