using Npgsql;

namespace Strata.Warehouse.Postgres;

/// <summary>A PostgreSQL server as the warehouse: transactions per connection, bulk loads with binary COPY.</summary>
public sealed class PostgresWarehouse : WarehouseBase
{
    private readonly NpgsqlDataSource _dataSource;

    private PostgresWarehouse(NpgsqlDataSource dataSource, string location)
    {
        _dataSource = dataSource;
        Location = location;
    }

    /// <inheritdoc />
    public override string Engine => "postgres";

    /// <inheritdoc />
    public override string Location { get; }

    /// <inheritdoc />
    public override WarehouseCapabilities Capabilities { get; } = new(ParallelWriters: true, MaxDecimalPrecision: null);

    /// <summary>Connects to the warehouse database (the connection string holds the password: never log it).</summary>
    public static async Task<PostgresWarehouse> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var location = $"{builder.Host}:{builder.Port}/{builder.Database}";
        var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            await using var probe = await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            await dataSource.DisposeAsync();
            var kind = ex is PostgresException pg ? PostgresErrors.KindOf(pg.SqlState) : WarehouseErrorKind.Unreachable;
            throw new WarehouseException($"cannot reach the PostgreSQL warehouse at {location} ({ex.Message}); check warehouse.host/port/database and its password", ex, kind,
                (ex as PostgresException)?.SqlState);
        }

        return new PostgresWarehouse(dataSource, location);
    }

    /// <inheritdoc />
    public override string TypeName(WarehouseType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            WarehouseTypeKind.Boolean => "boolean",
            WarehouseTypeKind.Int16 => "smallint",
            WarehouseTypeKind.Int32 => "integer",
            WarehouseTypeKind.Int64 => "bigint",
            WarehouseTypeKind.Float32 => "real",
            WarehouseTypeKind.Float64 => "double precision",
            WarehouseTypeKind.Decimal when type.Precision is { } p => $"numeric({p},{type.Scale ?? 0})",
            WarehouseTypeKind.Decimal => "numeric",
            WarehouseTypeKind.Date => "date",
            WarehouseTypeKind.Time => "time",
            WarehouseTypeKind.Timestamp => "timestamp",
            WarehouseTypeKind.TimestampTz => "timestamptz",
            WarehouseTypeKind.Uuid => "uuid",
            WarehouseTypeKind.Json => "jsonb",
            WarehouseTypeKind.Bytes => "bytea",
            _ => "text",
        };
    }

    /// <inheritdoc />
    public override async Task<IWarehouseTransaction> BeginAsync(CancellationToken cancellationToken = default)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            throw PostgresErrors.Translate(ex, Location, "a new connection");
        }

        try
        {
            return new PostgresTransaction(connection, await connection.BeginTransactionAsync(cancellationToken), this);
        }
        catch (NpgsqlException ex)
        {
            await connection.DisposeAsync();
            throw PostgresErrors.Translate(ex, Location, "a new transaction");
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// PostgreSQL replaces a view in place only when its columns stay as they were (42P16 otherwise): then, within the
    /// same transaction, the view is dropped — with the views that read it, which their own models rebuild — and created.
    /// </remarks>
    public override async Task ReplaceViewAsync(IWarehouseTransaction transaction, string schema, string name, string sql, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await transaction.ExecuteAsync("SAVEPOINT strata_replace_view", null, cancellationToken);
        try
        {
            await base.ReplaceViewAsync(transaction, schema, name, sql, cancellationToken);
            await transaction.ExecuteAsync("RELEASE SAVEPOINT strata_replace_view", null, cancellationToken);
        }
        catch (WarehouseException ex) when (ex.SqlState is "42P16" or "42804")
        {
            await transaction.ExecuteAsync("ROLLBACK TO SAVEPOINT strata_replace_view", null, cancellationToken);
            await transaction.ExecuteAsync(DropRelationSql(schema, name, isView: true), null, cancellationToken);
            await transaction.ExecuteAsync($"CREATE VIEW {Qualify(schema, name)} AS\n{sql}", null, cancellationToken);
        }
    }

    /// <inheritdoc />
    protected override async Task<bool> SchemaExistsAsync(string schema, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema], cancellationToken)).Count > 0;

    /// <inheritdoc />
    /// <remarks>PostgreSQL refuses to drop what views depend on; they are dropped too and rebuilt by their own models.</remarks>
    public override string DropRelationSql(string schema, string name, bool isView) => base.DropRelationSql(schema, name, isView) + " CASCADE";

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
