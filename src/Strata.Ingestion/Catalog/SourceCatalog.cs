using Npgsql;
using Strata.Configuration;
using Strata.Ingestion.Replication;
using Strata.Source;

namespace Strata.Ingestion.Catalog;

/// <summary>Reads the tables of a publication and their columns from the source.</summary>
public static class SourceCatalog
{
    /// <summary>
    /// The tables of the configured source's publication, read as the CDC login <c>strata ingest</c> uses (same settings
    /// and secrets), so what it lists is exactly what ingestion will write to bronze.
    /// </summary>
    public static async Task<IReadOnlyList<SourceTable>> ReadPublishedAsync(StrataConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var source = SourceSettings.From(config);
        var cdc = CdcLogin.Endpoint(config, source);
        await using var connection = await cdc.OpenAsync(source.Database, cancellationToken);
        return await ReadAsync(connection, source.Publication, cancellationToken);
    }

    /// <summary>The publication's tables, each with its columns mapped to warehouse types.</summary>
    public static async Task<IReadOnlyList<SourceTable>> ReadAsync(NpgsqlConnection connection, string publication, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            SELECT pt.schemaname, pt.tablename, a.attname, format_type(a.atttypid, a.atttypmod),
                   coalesce(bt.typname, t.typname), t.typcategory, a.atttypmod,
                   coalesce(a.attnum = ANY (i.indkey), false), a.atttypid
            FROM pg_publication_tables pt
            JOIN pg_class c ON c.relname = pt.tablename
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = pt.schemaname
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
            LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
            WHERE pt.pubname = $1
            ORDER BY pt.schemaname, pt.tablename, a.attnum
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = publication });
        var columns = new List<(string Schema, string Table, SourceColumn Column)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (type, castToText) = TypeMapping.Map(reader.GetString(4), reader.GetChar(5).ToString(), reader.GetInt32(6));
                columns.Add((reader.GetString(0), reader.GetString(1),
                    new SourceColumn(reader.GetString(2), reader.GetString(3), type, castToText, reader.GetBoolean(7), reader.GetFieldValue<uint>(8), reader.GetInt32(6))));
            }
        }

        return columns.GroupBy(c => (c.Schema, c.Table))
            .Select(g => new SourceTable(g.Key.Schema, g.Key.Table, g.Select(c => c.Column).ToList()))
            .ToList();
    }

    /// <summary>
    /// The table a relation message describes, with its columns exactly as the message lists them (the catalog may
    /// already be ahead of the stream). Keys come from the current primary key where the column still exists.
    /// </summary>
    public static async Task<SourceTable> FromRelationAsync(
        NpgsqlConnection connection, Npgsql.Replication.PgOutput.Messages.RelationMessage relation, SourceTable? current, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(relation);
        var columns = new List<SourceColumn>();
        foreach (var column in relation.Columns)
        {
            await using var command = new NpgsqlCommand(
                "SELECT format_type(t.oid, $2), coalesce(bt.typname, t.typname), t.typcategory FROM pg_type t " +
                "LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype WHERE t.oid = $1", connection);
            command.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = column.DataTypeId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = column.TypeModifier });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var (type, castToText) = TypeMapping.Map(reader.GetString(1), reader.GetChar(2).ToString(), column.TypeModifier);
            var isKey = current?.Columns.FirstOrDefault(c => c.Name == column.ColumnName)?.IsKey ?? false;
            columns.Add(new SourceColumn(column.ColumnName, reader.GetString(0), type, castToText, isKey, column.DataTypeId, column.TypeModifier));
        }

        return new SourceTable(relation.Namespace, relation.RelationName, columns);
    }
}
