using System.Globalization;

namespace Strata.Warehouse;

/// <summary>Standard SQL shared by the adapters; engines override what differs.</summary>
public abstract class WarehouseBase : IWarehouse
{
    /// <inheritdoc />
    public abstract string Engine { get; }

    /// <inheritdoc />
    public abstract string Location { get; }

    /// <inheritdoc />
    public abstract WarehouseCapabilities Capabilities { get; }

    /// <inheritdoc />
    /// <remarks>As written, in double quotes; an engine that folds unquoted names (Snowflake) overrides it with its case policy.</remarks>
    public virtual string Quote(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <inheritdoc />
    public abstract string TypeName(WarehouseType type);

    /// <inheritdoc />
    public virtual string Parameter(int index) => "$" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    /// <remarks>
    /// Looks first (<see cref="SchemaExistsAsync"/>): PostgreSQL and Snowflake check the right to create schemas before
    /// they look, even for CREATE SCHEMA IF NOT EXISTS, so a least-privilege login (a part's own, made by strata infra)
    /// could not otherwise confirm that its schema exists.
    /// </remarks>
    public virtual async Task EnsureSchemaAsync(string schema, CancellationToken cancellationToken = default)
    {
        if (!await SchemaExistsAsync(schema, cancellationToken))
        {
            await ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS {Quote(schema)}", null, cancellationToken);
        }
    }

    /// <summary>Whether <paramref name="schema"/> exists, asked before creating it; false (create at once) where creating needs no privilege.</summary>
    protected virtual Task<bool> SchemaExistsAsync(string schema, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <inheritdoc />
    public virtual async Task<IReadOnlyList<WarehouseColumn>?> GetColumnsAsync(string schema, string table, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(
            "SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns " +
            $"WHERE table_schema = {Parameter(1)} AND table_name = {Parameter(2)} ORDER BY ordinal_position",
            [schema, table],
            cancellationToken);
        return rows.Count == 0 ? null : rows.Select(r => new WarehouseColumn((string)r[0]!, WithPrecision(ParseTypeName((string)r[1]!), r[2], r[3]))).ToList();
    }

    /// <inheritdoc />
    /// <remarks>Opening DuckDB or PostgreSQL proves what Strata needs (the file, the login and the database).</remarks>
    public virtual Task<IReadOnlyList<WarehouseAccessCheck>> CheckAccessAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<WarehouseAccessCheck>>([]);

    /// <inheritdoc />
    /// <remarks>From <c>information_schema.tables</c>, which DuckDB and PostgreSQL both keep.</remarks>
    public virtual async Task<RelationKind> RelationKindAsync(string schema, string name, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(
            $"SELECT table_type FROM information_schema.tables WHERE table_schema = {Parameter(1)} AND table_name = {Parameter(2)}", [schema, name], cancellationToken);
        return rows.Count == 0 ? RelationKind.None : (string)rows[0][0]! == "VIEW" ? RelationKind.View : RelationKind.Table;
    }

    /// <inheritdoc />
    public Task CreateTableAsync(string schema, string table, IReadOnlyList<WarehouseColumn> columns, CancellationToken cancellationToken = default, IReadOnlyList<string>? primaryKey = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var definitions = string.Join(", ", columns.Select(c => $"{Quote(c.Name)} {TypeName(c.Type)}"));
        var key = primaryKey is { Count: > 0 } ? $", PRIMARY KEY ({string.Join(", ", primaryKey.Select(Quote))})" : "";
        return ExecuteAsync($"CREATE TABLE IF NOT EXISTS {Qualify(schema, table)} ({definitions}{key})", null, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>DuckDB and PostgreSQL both write <c>INSERT … ON CONFLICT (key) DO UPDATE</c>.</remarks>
    public virtual string UpsertSql(string schema, string table, IReadOnlyList<string> columns, IReadOnlyList<string> key)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(key);
        var updates = columns.Where(c => !key.Contains(c, StringComparer.Ordinal)).Select(c => $"{Quote(c)} = excluded.{Quote(c)}").ToList();
        return $"INSERT INTO {Qualify(schema, table)} ({string.Join(", ", columns.Select(Quote))}) VALUES ({string.Join(", ", columns.Select((_, i) => Parameter(i + 1)))}) " +
            $"ON CONFLICT ({string.Join(", ", key.Select(Quote))}) DO " + (updates.Count == 0 ? "NOTHING" : $"UPDATE SET {string.Join(", ", updates)}");
    }

    /// <inheritdoc />
    /// <remarks>In place with <c>CREATE OR REPLACE VIEW</c>; engines that refuse a change of columns there override it.</remarks>
    public virtual Task ReplaceViewAsync(IWarehouseTransaction transaction, string schema, string name, string sql, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return transaction.ExecuteAsync($"CREATE OR REPLACE VIEW {Qualify(schema, name)} AS\n{sql}", null, cancellationToken);
    }

    /// <inheritdoc />
    public virtual string CreateTempTableSql(string name, string sql) => $"CREATE TEMP TABLE {Quote(name)} AS\n{sql}";

    /// <inheritdoc />
    public virtual string CreateTempViewSql(string name, string sql) => $"CREATE TEMP VIEW {Quote(name)} AS {sql}";

    /// <inheritdoc />
    /// <remarks>A plain table; DuckDB and PostgreSQL never need it (their DDL is transactional, their temporary tables serve).</remarks>
    public virtual string CreateScratchTableSql(string schema, string name, string sql) => $"CREATE OR REPLACE TABLE {Qualify(schema, name)} AS\n{sql}";

    /// <inheritdoc />
    /// <remarks><c>CREATE OR REPLACE TABLE</c>, atomic in DuckDB and Snowflake; PostgreSQL has none and never needs it.</remarks>
    public virtual string ReplaceTableSql(string schema, string name, string sql) => $"CREATE OR REPLACE TABLE {Qualify(schema, name)} AS\n{sql}";

    /// <inheritdoc />
    /// <remarks>The SQL:2003 <c>MERGE</c> DuckDB (1.4+) and PostgreSQL (15+) both run.</remarks>
    public virtual string MergeSql(string target, string source, IReadOnlyList<string> keys, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(columns);
        var updates = columns.Where(c => !keys.Contains(c, StringComparer.Ordinal)).Select(c => $"{Quote(c)} = s.{Quote(c)}").ToList();
        return $"MERGE INTO {target} AS t USING {source} AS s ON {KeysMatch(keys, "t", "s")}\n" +
            (updates.Count > 0 ? $"WHEN MATCHED THEN UPDATE SET {string.Join(", ", updates)}\n" : "") +
            $"WHEN NOT MATCHED THEN INSERT ({string.Join(", ", columns.Select(Quote))}) VALUES ({string.Join(", ", columns.Select(c => "s." + Quote(c)))})";
    }

    /// <inheritdoc />
    public virtual string DeleteMatchingSql(string target, string source, IReadOnlyList<string> keys) =>
        $"DELETE FROM {target} AS t WHERE EXISTS (SELECT 1 FROM {source} AS s WHERE {KeysMatch(keys, "t", "s")})";

    /// <inheritdoc />
    public virtual string UpdateFromSql(string target, string source, IReadOnlyList<string> keys, string assignments, string condition = "true") =>
        $"UPDATE {target} AS t SET {assignments} FROM {source} AS s WHERE ({condition}) AND {KeysMatch(keys, "t", "s")}";

    /// <summary><c>t.k1 = s.k1 AND …</c> for unquoted key columns.</summary>
    protected string KeysMatch(IReadOnlyList<string> keys, string left, string right) => KeyJoin.Sql(this, keys, left, right);

    /// <inheritdoc />
    public virtual string DaysBetweenSql(string from, string to) => $"(CAST({to} AS DATE) - CAST({from} AS DATE))";

    /// <inheritdoc />
    public virtual string HashTextSql(string expression) => $"md5(CAST({expression} AS {TypeName(WarehouseType.Text)}))";

    /// <inheritdoc />
    public virtual string TypedParameter(int index, WarehouseType type) => $"CAST({Parameter(index)} AS {TypeName(type)})";

    /// <inheritdoc />
    /// <remarks>An ISO text cast to the type, which DuckDB and PostgreSQL both read; without zone it is the UTC wall time.</remarks>
    public virtual string TimestampSql(DateTimeOffset instant, WarehouseType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var utc = instant.UtcDateTime;
        var text = type.Kind switch
        {
            WarehouseTypeKind.Date => utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            WarehouseTypeKind.Timestamp => utc.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            _ => utc.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + UtcOffsetText,
        };
        return $"CAST('{text}' AS {TypeName(type)})";
    }

    /// <summary>How a literal with zone says UTC in the engine's timestamp text (<see cref="TimestampSql"/>).</summary>
    protected virtual string UtcOffsetText => "+00";

    /// <inheritdoc />
    public Task AddColumnAsync(string schema, string table, WarehouseColumn column, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(column);
        return ExecuteAsync($"ALTER TABLE {Qualify(schema, table)} ADD COLUMN {Quote(column.Name)} {TypeName(column.Type)}", null, cancellationToken);
    }

    /// <inheritdoc />
    public Task WidenColumnAsync(string schema, string table, WarehouseColumn column, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(column);
        return ExecuteAsync($"ALTER TABLE {Qualify(schema, table)} ALTER COLUMN {Quote(column.Name)} TYPE {TypeName(column.Type)}", null, cancellationToken);
    }

    /// <inheritdoc />
    public virtual string DropRelationSql(string schema, string name, bool isView) =>
        $"DROP {(isView ? "VIEW" : "TABLE")} IF EXISTS {Qualify(schema, name)}";

    /// <summary><c>"schema"."table"</c>.</summary>
    public string Qualify(string schema, string table) => $"{Quote(schema)}.{Quote(table)}";

    /// <inheritdoc />
    /// <remarks>
    /// Engines here append through a native path, not text, and set no limit: this is the size of the row written as
    /// SQL literals, which is what a limit set for them (tests) is measured in.
    /// </remarks>
    public virtual long AppendBytes(IReadOnlyList<WarehouseColumn> columns, ReadOnlySpan<object?> row, bool first)
    {
        ArgumentNullException.ThrowIfNull(columns);
        long bytes = first ? 64L * (columns.Count + 1) : 0;
        foreach (var value in row)
        {
            bytes += 2 + value switch
            {
                null => 4,
                string text => 2L * System.Text.Encoding.UTF8.GetByteCount(text) + 2,
                byte[] data => 2L * data.Length + 2,
                _ => 40,
            };
        }

        return bytes + 4;
    }

    /// <inheritdoc />
    public abstract Task<IWarehouseTransaction> BeginAsync(CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public virtual async Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        var rows = await transaction.QueryAsync(sql, parameters, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    /// <inheritdoc />
    public async Task ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        await transaction.ExecuteAsync(sql, parameters, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();

    /// <summary>A decimal's precision and scale from information_schema (null there for an unconstrained one), unless the type name fixed them.</summary>
    private static WarehouseType WithPrecision(WarehouseType type, object? precision, object? scale) =>
        type.Kind == WarehouseTypeKind.Decimal && type.Precision is null && precision is not null && scale is not null
            ? type with { Precision = Convert.ToInt32(precision, System.Globalization.CultureInfo.InvariantCulture), Scale = Convert.ToInt32(scale, System.Globalization.CultureInfo.InvariantCulture) }
            : type;

    /// <summary>Maps an engine's information_schema type name back to a type (a decimal's precision comes from the catalog's own columns).</summary>
    protected virtual WarehouseType ParseTypeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var upper = name.ToUpperInvariant();
        return upper switch
        {
            "BOOLEAN" => new(WarehouseTypeKind.Boolean),
            "SMALLINT" => new(WarehouseTypeKind.Int16),
            "INTEGER" => WarehouseType.Int32,
            "BIGINT" => WarehouseType.Int64,
            "REAL" or "FLOAT" => new(WarehouseTypeKind.Float32),
            "DOUBLE" or "DOUBLE PRECISION" => new(WarehouseTypeKind.Float64),
            "DATE" => new(WarehouseTypeKind.Date),
            "UUID" => new(WarehouseTypeKind.Uuid),
            "BLOB" or "BYTEA" => new(WarehouseTypeKind.Bytes),
            "JSON" or "JSONB" => new(WarehouseTypeKind.Json),
            _ when upper.StartsWith("DECIMAL", StringComparison.Ordinal) || upper.StartsWith("NUMERIC", StringComparison.Ordinal) => new(WarehouseTypeKind.Decimal),
            _ when upper.StartsWith("TIMESTAMP WITH TIME ZONE", StringComparison.Ordinal) || upper == "TIMESTAMPTZ" => WarehouseType.TimestampTz,
            _ when upper.StartsWith("TIMESTAMP", StringComparison.Ordinal) => new(WarehouseTypeKind.Timestamp),
            _ when upper.StartsWith("TIME", StringComparison.Ordinal) => new(WarehouseTypeKind.Time),
            _ => WarehouseType.Text,
        };
    }
}
