using System.Runtime.CompilerServices;
using Strata.Ingestion.Bronze;
using Strata.Ingestion.Catalog;
using Strata.UnitTests.Support;
using Strata.Warehouse;
using Strata.Warehouse.DuckDb;
using Strata.Warehouse.Postgres;

namespace Strata.UnitTests;

/// <summary>
/// docs/types.md is the oracle: each PostgreSQL type (as <c>pg_type.typname</c> and <c>atttypmod</c> give it) lands in
/// bronze as the DuckDB and PostgreSQL type the table promises. Typmods are worked out by hand from PostgreSQL's
/// encoding: numeric(p,s) is ((p &lt;&lt; 16) | s) + 4, varchar(n) and char(n) are n + 4, time(n) and timestamp(n) are n.
/// </summary>
public sealed class TypeMappingTests
{
    // TypeName only looks at its argument; the adapters need no connection for it (PostgresWarehouse has no public
    // way to exist without a server), so they are made without running a constructor.
    private static readonly DuckDbWarehouse DuckDb = (DuckDbWarehouse)RuntimeHelpers.GetUninitializedObject(typeof(DuckDbWarehouse));
    private static readonly PostgresWarehouse Postgres = (PostgresWarehouse)RuntimeHelpers.GetUninitializedObject(typeof(PostgresWarehouse));

    [Theory]
    // | PostgreSQL | DuckDB | PostgreSQL warehouse |
    [InlineData("bool", -1, "BOOLEAN", "boolean")]
    [InlineData("int2", -1, "SMALLINT", "smallint")]
    [InlineData("int4", -1, "INTEGER", "integer")]
    [InlineData("int8", -1, "BIGINT", "bigint")]
    [InlineData("float4", -1, "REAL", "real")]
    [InlineData("float8", -1, "DOUBLE", "double precision")]
    [InlineData("text", -1, "VARCHAR", "text")]
    [InlineData("varchar", 54, "VARCHAR", "text")] // varchar(50)
    [InlineData("varchar", -1, "VARCHAR", "text")]
    [InlineData("bpchar", 14, "VARCHAR", "text")] // char(10)
    [InlineData("name", -1, "VARCHAR", "text")]
    [InlineData("citext", -1, "VARCHAR", "text")]
    [InlineData("date", -1, "DATE", "date")]
    [InlineData("time", -1, "TIME", "time")]
    [InlineData("time", 3, "TIME", "time")] // time(3)
    [InlineData("timestamp", -1, "TIMESTAMP", "timestamp")]
    [InlineData("timestamp", 0, "TIMESTAMP", "timestamp")] // timestamp(0)
    [InlineData("timestamptz", -1, "TIMESTAMPTZ", "timestamptz")]
    [InlineData("timestamptz", 6, "TIMESTAMPTZ", "timestamptz")]
    [InlineData("uuid", -1, "UUID", "uuid")]
    [InlineData("json", -1, "VARCHAR", "text")]
    [InlineData("jsonb", -1, "VARCHAR", "jsonb")]
    [InlineData("bytea", -1, "BLOB", "bytea")]
    public void Each_type_of_the_table_lands_as_documented(string typeName, int typmod, string duckDb, string postgres)
    {
        var (type, _) = TypeMapping.Map(typeName, "U", typmod);

        Assert.Equal(duckDb, DuckDb.TypeName(type));
        Assert.Equal(postgres, Postgres.TypeName(type));
    }

    [Theory]
    [InlineData(655366, 10, 2, "DECIMAL(10,2)", "numeric(10,2)")] // numeric(10,2)
    [InlineData(327689, 5, 5, "DECIMAL(5,5)", "numeric(5,5)")] // numeric(5,5)
    [InlineData(65540, 1, 0, "DECIMAL(1,0)", "numeric(1,0)")] // numeric(1)
    [InlineData(2490372, 38, 0, "DECIMAL(38,0)", "numeric(38,0)")] // numeric(38)
    [InlineData(2490406, 38, 34, "DECIMAL(38,34)", "numeric(38,34)")] // numeric(38,34)
    public void Numeric_up_to_38_digits_keeps_precision_and_scale_from_the_typmod(int typmod, int precision, int scale, string duckDb, string postgres)
    {
        var (type, castToText) = TypeMapping.Map("numeric", "N", typmod);

        Assert.Equal(new WarehouseType(WarehouseTypeKind.Decimal, precision, scale), type);
        Assert.False(castToText);
        Assert.Equal(duckDb, DuckDb.TypeName(type));
        Assert.Equal(postgres, Postgres.TypeName(type));
    }

    [Theory]
    [InlineData(2555910, 39, 2)] // numeric(39,2)
    [InlineData(2621446, 40, 2)] // numeric(40,2)
    [InlineData(65536004, 1000, 0)] // numeric(1000), the largest PostgreSQL allows
    public void Numeric_beyond_38_digits_is_exact_text_on_duckdb_and_numeric_on_postgres(int typmod, int precision, int scale)
    {
        var (type, _) = TypeMapping.Map("numeric", "N", typmod);

        Assert.Equal((WarehouseTypeKind.Decimal, precision, scale), (type.Kind, type.Precision, type.Scale));
        Assert.Equal("VARCHAR", DuckDb.TypeName(type));
        Assert.Equal($"numeric({precision},{scale})", Postgres.TypeName(type));
    }

    [Fact]
    public void Unconstrained_numeric_is_decimal_38_10_on_duckdb_and_numeric_on_postgres()
    {
        var (type, castToText) = TypeMapping.Map("numeric", "N", -1);

        Assert.Equal(new WarehouseType(WarehouseTypeKind.Decimal), type);
        Assert.False(castToText);
        Assert.Equal("DECIMAL(38,10)", DuckDb.TypeName(type));
        Assert.Equal("numeric", Postgres.TypeName(type));
    }

    [Theory]
    [InlineData("_int4", "A")]
    [InlineData("_text", "A")]
    [InlineData("_numeric", "A")]
    [InlineData("_timestamptz", "A")]
    [InlineData("order_status", "E")]
    [InlineData("interval", "T")]
    [InlineData("int4range", "R")]
    [InlineData("tstzrange", "R")]
    [InlineData("inet", "I")]
    [InlineData("cidr", "I")]
    [InlineData("macaddr", "U")]
    [InlineData("point", "G")]
    [InlineData("polygon", "G")]
    [InlineData("timetz", "D")]
    [InlineData("money", "N")]
    [InlineData("xml", "U")]
    [InlineData("bit", "V")]
    [InlineData("tsvector", "U")]
    public void Other_types_keep_their_postgresql_text_form(string typeName, string category)
    {
        var (type, castToText) = TypeMapping.Map(typeName, category, -1);

        Assert.True(castToText);
        Assert.Equal(WarehouseTypeKind.Text, type.Kind);
        Assert.Equal("VARCHAR", DuckDb.TypeName(type));
        Assert.Equal("text", Postgres.TypeName(type));
    }

    [Theory]
    [InlineData("json", WarehouseTypeKind.Text)]
    [InlineData("jsonb", WarehouseTypeKind.Json)]
    public void Json_travels_as_its_text(string typeName, WarehouseTypeKind kind)
    {
        // json lands as plain text: a jsonb column would reorder its keys and drop duplicates.
        var (type, castToText) = TypeMapping.Map(typeName, "U", -1);

        Assert.Equal(kind, type.Kind);
        Assert.True(castToText);
    }

    [Theory]
    [InlineData("bool")]
    [InlineData("int2")]
    [InlineData("int4")]
    [InlineData("int8")]
    [InlineData("float4")]
    [InlineData("float8")]
    [InlineData("numeric")]
    [InlineData("text")]
    [InlineData("varchar")]
    [InlineData("bpchar")]
    [InlineData("date")]
    [InlineData("time")]
    [InlineData("timestamp")]
    [InlineData("timestamptz")]
    [InlineData("uuid")]
    [InlineData("bytea")]
    public void Types_with_a_bronze_type_of_their_own_travel_as_values(string typeName)
    {
        Assert.False(TypeMapping.Map(typeName, "U", -1).CastToText);
    }

    [Fact]
    public void The_bronze_metadata_columns_are_the_documented_ones()
    {
        // `_op` (VARCHAR), `_lsn` (BIGINT), `_seq` (INTEGER), `_txid` (BIGINT), `_commit_ts` and `_ingested_at` (TIMESTAMPTZ).
        Assert.Equal(
            ["_op VARCHAR", "_lsn BIGINT", "_seq INTEGER", "_txid BIGINT", "_commit_ts TIMESTAMPTZ", "_ingested_at TIMESTAMPTZ"],
            BronzeTable.MetadataColumns.Select(c => $"{c.Name} {DuckDb.TypeName(c.Type)}"));
    }

    [Fact]
    public void A_type_shows_its_precision_in_messages()
    {
        Assert.Equal("Decimal(12,2)", TypeMapping.Map("numeric", "N", 786438).Type.ToString()); // numeric(12,2)
        Assert.Equal("Decimal", TypeMapping.Map("numeric", "N", -1).Type.ToString());
        Assert.Equal("Int32", TypeMapping.Map("int4", "N", -1).Type.ToString());
    }

    [Fact]
    public async Task Every_duckdb_bronze_type_is_valid_ddl_and_reads_back_as_its_kind()
    {
        using var folder = new ProjectFolder();
        await using var warehouse = await DuckDbWarehouse.OpenAsync(Path.Combine(folder.Path, "warehouse.duckdb"));
        var columns = new (string Name, string TypeName, int Typmod, WarehouseTypeKind Back)[]
        {
            ("b", "bool", -1, WarehouseTypeKind.Boolean),
            ("s", "int2", -1, WarehouseTypeKind.Int16),
            ("i", "int4", -1, WarehouseTypeKind.Int32),
            ("l", "int8", -1, WarehouseTypeKind.Int64),
            ("r", "float4", -1, WarehouseTypeKind.Float32),
            ("d", "float8", -1, WarehouseTypeKind.Float64),
            ("n", "numeric", 655366, WarehouseTypeKind.Decimal),
            ("u", "numeric", -1, WarehouseTypeKind.Decimal),
            ("w", "numeric", 2621446, WarehouseTypeKind.Text),
            ("t", "text", -1, WarehouseTypeKind.Text),
            ("day", "date", -1, WarehouseTypeKind.Date),
            ("tod", "time", -1, WarehouseTypeKind.Time),
            ("ts", "timestamp", -1, WarehouseTypeKind.Timestamp),
            ("tz", "timestamptz", -1, WarehouseTypeKind.TimestampTz),
            ("g", "uuid", -1, WarehouseTypeKind.Uuid),
            ("j", "jsonb", -1, WarehouseTypeKind.Text),
            ("x", "bytea", -1, WarehouseTypeKind.Bytes),
            ("a", "_int4", -1, WarehouseTypeKind.Text),
        };

        await warehouse.EnsureSchemaAsync("bronze");
        await warehouse.CreateTableAsync("bronze", "all_types",
            columns.Select(c => new WarehouseColumn(c.Name, TypeMapping.Map(c.TypeName, "U", c.Typmod).Type)).ToList());
        var back = await warehouse.GetColumnsAsync("bronze", "all_types");

        Assert.NotNull(back);
        Assert.Equal(columns.Select(c => $"{c.Name} {c.Back}"), back.Select(c => $"{c.Name} {c.Type.Kind}"));
    }
}
