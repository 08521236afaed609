using System.Globalization;
using Strata.Warehouse.Snowflake.Api;

namespace Strata.Warehouse.Snowflake;

/// <summary>
/// Snowflake as the warehouse, through its SQL API (<see cref="SnowflakeClient"/>). Every request is its own
/// session: a transaction is one multi-statement request (<see cref="SnowflakeTransaction"/>). DDL commits on its own
/// in Snowflake and keys are not enforced; its capability flags say so, and the upsert is a MERGE.
/// </summary>
public sealed class SnowflakeWarehouse : WarehouseBase
{
    private readonly SnowflakeClient _client;
    private readonly string _job;

    /// <summary>
    /// A warehouse over <paramref name="client"/> (owned), whose requests are tagged <c>strata:&lt;job&gt;</c>: the
    /// job of the flow sending them (<see cref="WarehouseJob"/>), else <paramref name="job"/>.
    /// </summary>
    /// <param name="client">The SQL API client.</param>
    /// <param name="location">Where it is, for messages: <c>host:port/database</c>.</param>
    /// <param name="job">The job named in QUERY_TAG when the flow names none.</param>
    public SnowflakeWarehouse(SnowflakeClient client, string location, string job = "strata")
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        Location = location;
        _job = job;
    }

    /// <inheritdoc />
    public override string Engine => "snowflake";

    private string Job => WarehouseJob.Current ?? _job;

    /// <inheritdoc />
    public override string Location { get; }

    /// <inheritdoc />
    public override WarehouseCapabilities Capabilities { get; } =
        new(ParallelWriters: true, MaxDecimalPrecision: SnowflakeTypes.MaxDecimalPrecision, TransactionalDdl: false, EnforcedKeys: false,
            MaxTransactionBytes: SnowflakeLimits.MaxStatementBytes);

    /// <inheritdoc />
    /// <remarks>The case policy of <see cref="SnowflakeIdentifiers"/>.</remarks>
    public override string Quote(string identifier) => SnowflakeIdentifiers.Quote(identifier);

    /// <inheritdoc />
    public override string TypeName(WarehouseType type) => SnowflakeTypes.Name(type);

    /// <inheritdoc />
    public override string Parameter(int index) => "?";

    /// <inheritdoc />
    public override async Task<IReadOnlyList<WarehouseColumn>?> GetColumnsAsync(string schema, string table, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(
            "SELECT column_name, data_type, numeric_precision, numeric_scale, character_maximum_length FROM information_schema.columns " +
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [SnowflakeIdentifiers.Stored(schema), SnowflakeIdentifiers.Stored(table)],
            cancellationToken);
        return rows.Count == 0
            ? null
            : rows.Select(r => new WarehouseColumn(SnowflakeIdentifiers.Written((string)r[0]!), SnowflakeTypes.Parse((string)r[1]!, Int(r[2]), Int(r[3]), r[4] is null ? null : Convert.ToInt64(r[4], CultureInfo.InvariantCulture)))).ToList();

        static int? Int(object? value) => value is null ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    protected override async Task<bool> SchemaExistsAsync(string schema, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", [SnowflakeIdentifiers.Stored(schema)], cancellationToken)).Count > 0;

    /// <inheritdoc />
    public override Task<IReadOnlyList<WarehouseAccessCheck>> CheckAccessAsync(CancellationToken cancellationToken = default) =>
        SnowflakeAccess.CheckAsync(this, cancellationToken);

    /// <inheritdoc />
    public override async Task<RelationKind> RelationKindAsync(string schema, string name, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(
            "SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [SnowflakeIdentifiers.Stored(schema), SnowflakeIdentifiers.Stored(name)], cancellationToken);
        return rows.Count == 0 ? RelationKind.None : (string)rows[0][0]! == "VIEW" ? RelationKind.View : RelationKind.Table;
    }

    /// <inheritdoc />
    /// <remarks>Keys are not enforced, so <c>ON CONFLICT</c> has nothing to act on: a MERGE of the one row.</remarks>
    public override string UpsertSql(string schema, string table, IReadOnlyList<string> columns, IReadOnlyList<string> key)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var row = $"(SELECT {string.Join(", ", columns.Select(c => $"? AS {Quote(c)}"))})";
        return base.MergeSql(Qualify(schema, table), row, key, columns);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Snowflake refuses a MERGE where several source rows meet one target row (ERROR_ON_NONDETERMINISTIC_MERGE):
    /// the source is cut to one row per key first.
    /// </remarks>
    public override string MergeSql(string target, string source, IReadOnlyList<string> keys, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var partition = string.Join(", ", keys.Select(Quote));
        return base.MergeSql(target, $"(SELECT * FROM {source} QUALIFY ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY {partition}) = 1)", keys, columns);
    }

    /// <inheritdoc />
    public override string DeleteMatchingSql(string target, string source, IReadOnlyList<string> keys) =>
        $"DELETE FROM {target} AS t USING {source} AS s WHERE {KeysMatch(keys, "t", "s")}";

    /// <inheritdoc />
    public override string DaysBetweenSql(string from, string to) => $"DATEDIFF(day, CAST({from} AS DATE), CAST({to} AS DATE))";

    /// <inheritdoc />
    /// <remarks>Snowflake reads a zone written as <c>+00:00</c>.</remarks>
    protected override string UtcOffsetText => " +00:00";

    /// <inheritdoc />
    public override string CreateTempTableSql(string name, string sql) => $"CREATE TEMPORARY TABLE {Quote(name)} AS\n{sql}";

    /// <inheritdoc />
    public override string CreateTempViewSql(string name, string sql) => $"CREATE TEMPORARY VIEW {Quote(name)} AS {sql}";

    /// <inheritdoc />
    /// <remarks>
    /// TRANSIENT: no Fail-safe period, so a build's scratch rows cost no storage after the build drops them. A
    /// temporary table would not do: every SQL API request is its own session, and the table would end with it.
    /// </remarks>
    public override string CreateScratchTableSql(string schema, string name, string sql) => $"CREATE OR REPLACE TRANSIENT TABLE {Qualify(schema, name)} AS\n{sql}";

    /// <inheritdoc />
    /// <remarks>COPY GRANTS: the privileges granted on the table it replaces stay, so the roles reading a model keep reading it after a rebuild.</remarks>
    public override string ReplaceTableSql(string schema, string name, string sql) => $"CREATE OR REPLACE TABLE {Qualify(schema, name)} COPY GRANTS AS\n{sql}";

    /// <inheritdoc />
    /// <remarks>The text <see cref="SnowflakeAppender"/> writes for the row, an upper bound counting its statement heads.</remarks>
    public override long AppendBytes(IReadOnlyList<WarehouseColumn> columns, ReadOnlySpan<object?> row, bool first) =>
        SnowflakeAppender.Bytes(this, columns, row, first);

    /// <inheritdoc />
    public override Task<IWarehouseTransaction> BeginAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IWarehouseTransaction>(new SnowflakeTransaction(this));

    /// <inheritdoc />
    /// <remarks>One request, outside any transaction; result columns are named back by the case policy.</remarks>
    public override async Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(sql, parameters, cancellationToken);
        foreach (var row in result.Rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = AsOtherAdapters(row[i]);
            }
        }

        return new QueryResult(result.Columns.Select(c => SnowflakeIdentifiers.Written(c.Name)).ToList(), result.Rows);
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>One statement in one request, its parameters bound.</summary>
    internal Task<SnowflakeResult> RunAsync(string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken) =>
        _client.ExecuteAsync(sql, Job, parameters is { Count: > 0 } ? parameters.Select(SnowflakeLiterals.Binding).ToList() : null, cancellationToken);

    /// <summary>Several statements in one request (literals only).</summary>
    internal Task<IReadOnlyList<SnowflakeResult>> RunInOneRequestAsync(IReadOnlyList<string> statements, CancellationToken cancellationToken) =>
        _client.ExecuteManyAsync(statements, Job, cancellationToken);

    // Values as DuckDB's and PostgreSQL's adapters give them, so that readers above stay engine-blind: an instant
    // as a UTC DateTime, a time of day as a TimeSpan.
    private static object? AsOtherAdapters(object? value) => value switch
    {
        DateTimeOffset instant => instant.UtcDateTime,
        TimeOnly time => time.ToTimeSpan(),
        _ => value,
    };
}
