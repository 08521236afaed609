using Strata.Transform.Execution.Staging;
using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Execution.Strategies;

/// <summary>
/// <c>snapshot</c>: a dbt snapshot of a table that is not a Strata changelog, with dbt's semantics. The first run
/// creates the table from the select plus dbt's columns; each later run, in one transaction, closes the current
/// version of every key that changed (or is gone, by <c>hard_deletes</c>) and inserts the new versions, then checks
/// that no key has two current rows before it commits. <c>--full-refresh</c> leaves it be, as dbt does: its history
/// cannot be recomputed from the select.
/// </summary>
/// <param name="warehouse">Where the snapshot is.</param>
/// <param name="compiler">Renders its select.</param>
/// <param name="runTime">The run's start: the time of <c>check</c> versions and of deletions, one for the whole run.</param>
internal sealed class SnapshotMaterialization(IWarehouse warehouse, ModelCompiler compiler, DateTimeOffset runTime) : IMaterialization
{
    private static readonly string[] DbtColumns = [SnapshotSql.ScdId, SnapshotSql.UpdatedAt, SnapshotSql.ValidFrom, SnapshotSql.ValidTo, SnapshotSql.IsDeleted];

    public async Task<Built> BuildAsync(Model model, RelationKind existing, bool fullRefresh, CancellationToken cancellationToken)
    {
        var options = model.Snapshot ?? throw new InvalidOperationException($"{model.Name} is not a dbt snapshot");
        var (schema, name) = model.Relation;
        var relation = compiler.Relation(model);
        var sql = await compiler.CompileAsync(model, isIncremental: false);
        var table = existing == RelationKind.Table ? await warehouse.GetColumnsAsync(schema, name, cancellationToken) : null;

        await using var build = await ModelBuild.BeginAsync(warehouse, cancellationToken);
        if (existing == RelationKind.View)
        {
            await build.DefineAsync(warehouse.DropRelationSql(schema, name, isView: true), cancellationToken);
        }

        var staged = await build.StageAsync($"strata_snapshot__{model.Name}", sql, cancellationToken);
        var columns = (await build.ReadAsync($"SELECT * FROM {staged} LIMIT 0", null, cancellationToken)).Columns;
        var snapshot = Expressions(model, options, columns, table);
        await RefuseDuplicateKeysAsync(build, model, staged, snapshot.Keys, cancellationToken);

        var list = string.Join(", ", columns.Concat(snapshot.MetaColumns).Select(warehouse.Quote));
        long rows;
        if (table is null)
        {
            var time = snapshot.VersionTime("b");
            await build.DefineAsync(
                $"CREATE TABLE {relation} AS SELECT {Values(snapshot, columns, "b", time, deleted: false)} FROM {staged} AS b", cancellationToken);
            rows = TransformMetadata.Long((await build.ReadAsync($"SELECT count(*) FROM {relation}", null, cancellationToken))[0][0]);
        }
        else
        {
            if (snapshot.NewRecordOnDelete && !table.Any(c => c.Name == SnapshotSql.IsDeleted))
            {
                // Turned on after the snapshot was made: the column is added, as dbt adds it; older rows read NULL.
                await build.DefineAsync($"ALTER TABLE {relation} ADD COLUMN {warehouse.Quote(SnapshotSql.IsDeleted)} {warehouse.TypeName(WarehouseType.Text)}", cancellationToken);
            }

            // Counted before the writes (which leave it unchanged): a build without transactional DDL reads first.
            var changes = await build.StageAsync($"strata_snapshot_changes__{model.Name}", ChangesSql(snapshot, relation, staged, columns), cancellationToken);
            rows = TransformMetadata.Long((await build.ReadAsync($"SELECT count(*) FROM {changes}", null, cancellationToken))[0][0]);
            await build.WriteAsync(
                warehouse.UpdateFromSql(relation, changes, snapshot.Keys, $"{warehouse.Quote(SnapshotSql.ValidTo)} = s.{warehouse.Quote(SnapshotSql.ValidFrom)}", snapshot.IsCurrent("t")),
                null, cancellationToken);
            await build.WriteAsync($"INSERT INTO {relation} ({list}) SELECT {list} FROM {changes} WHERE strata_insert", null, cancellationToken);
            await CurrentVersions.GuardAsync(warehouse, build, relation, changes, snapshot.Keys, snapshot.IsCurrent("t"),
                key => Error(model, options, $"would hold two current rows for {key}; the build is rolled back (did {relation} already hold two, or is unique_key not unique?)"),
                cancellationToken);
            await build.UnstageAsync(changes, cancellationToken);
        }

        await build.UnstageAsync(staged, cancellationToken);
        await build.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary>
    /// The rows a run writes, as dbt's staging table has them: a new version for each select row whose key has no
    /// current row or changed (<c>strata_insert</c>), and for each current key gone from the select, by
    /// <c>hard_deletes</c>: a closing only (<c>invalidate</c>) or a deletion record (<c>new_record</c>). Each row's
    /// <c>dbt_valid_from</c> is also when the current version of its key closes.
    /// </summary>
    private string ChangesSql(SnapshotSql snapshot, string relation, string staged, IReadOnlyList<string> columns)
    {
        var time = snapshot.VersionTime("b");
        var sql = $"SELECT {Values(snapshot, columns, "b", time, deleted: false)}, true AS strata_insert FROM {staged} AS b " +
            $"LEFT JOIN {relation} AS t ON {KeyJoin.Sql(warehouse, snapshot.Keys, "t", "b")} AND {snapshot.IsCurrent("t")} " +
            $"WHERE {snapshot.Column("t", snapshot.Keys[0])} IS NULL OR {snapshot.Changed("t", "b", columns)}";
        if (snapshot.Options.HardDeletes == "ignore")
        {
            return sql;
        }

        var deletions = $"SELECT {Values(snapshot, columns, "t", snapshot.RunTime, deleted: true)}, {(snapshot.NewRecordOnDelete ? "true" : "false")} AS strata_insert " +
            $"FROM {relation} AS t WHERE {snapshot.IsCurrent("t")} AND NOT EXISTS (SELECT 1 FROM {staged} AS b WHERE {KeyJoin.Sql(warehouse, snapshot.Keys, "b", "t")})";
        // A key whose current row is already its deletion record stays deleted: no second record, no closing.
        return $"{sql}\nUNION ALL\n{deletions}" +
            (snapshot.NewRecordOnDelete ? $" AND {snapshot.Column("t", SnapshotSql.IsDeleted)} IS DISTINCT FROM {snapshot.Deleted(true)}" : "");
    }

    /// <summary>The select's columns of row <paramref name="alias"/> and dbt's, for a version starting at <paramref name="time"/>.</summary>
    private string Values(SnapshotSql snapshot, IReadOnlyList<string> columns, string alias, string time, bool deleted)
    {
        var values = columns.Select(c => snapshot.Column(alias, c)).Concat(
        [
            $"{snapshot.ScdIdOf(alias, time)} AS {warehouse.Quote(SnapshotSql.ScdId)}",
            $"{time} AS {warehouse.Quote(SnapshotSql.UpdatedAt)}",
            $"{time} AS {warehouse.Quote(SnapshotSql.ValidFrom)}",
            $"{snapshot.OpenValidTo(time)} AS {warehouse.Quote(SnapshotSql.ValidTo)}",
        ]);
        return string.Join(", ", snapshot.NewRecordOnDelete ? values.Append($"{snapshot.Deleted(deleted)} AS {warehouse.Quote(SnapshotSql.IsDeleted)}") : values);
    }

    /// <summary>
    /// The snapshot's expressions over the select's actual columns: every configured column must be one of them, and
    /// none may be one dbt adds; a later run's select must fit the table the first one made.
    /// </summary>
    private SnapshotSql Expressions(Model model, SnapshotOptions options, IReadOnlyList<string> columns, IReadOnlyList<WarehouseColumn>? table)
    {
        string Find(string column, string what) =>
            columns.FirstOrDefault(c => c == column) ?? columns.FirstOrDefault(c => string.Equals(c, column, StringComparison.OrdinalIgnoreCase))
            ?? throw Error(model, options, $"has {what} '{column}', which is not a column of its select ({string.Join(", ", columns)})");

        if (columns.FirstOrDefault(c => DbtColumns.Contains(c, StringComparer.OrdinalIgnoreCase)) is { } taken)
        {
            throw Error(model, options, $"selects a column named {taken}, which the snapshot adds itself; rename it");
        }

        if (table is not null && table.All(t => t.Name != SnapshotSql.ValidTo))
        {
            throw Error(model, options, $"would write to {compiler.Relation(model)}, which exists and is no snapshot (it has no {SnapshotSql.ValidTo}); drop it, or rename the snapshot");
        }

        if (table is not null && columns.FirstOrDefault(c => table.All(t => t.Name != c)) is { } added)
        {
            throw Error(model, options, $"selects column {added}, which {compiler.Relation(model)} lacks; dbt would add it, Strata does not yet: add it with ALTER TABLE");
        }

        var keys = model.Config.UniqueKey.Select(k => Find(k, "unique_key")).ToList();
        var resolved = options with
        {
            UpdatedAt = options.UpdatedAt is { } at ? Find(at, "updated_at") : null,
            CheckCols = options.CheckCols?.Select(c => Find(c, "check_cols column")).ToList(),
        };

        // The run's time is written as the type the versions' times already have (a timestamp strategy's are its
        // updated_at column's); before there is a table only a check snapshot uses it, as a timestamp with zone.
        var timeType = table?.FirstOrDefault(c => c.Name == SnapshotSql.ValidFrom)?.Type ?? WarehouseType.TimestampTz;
        return new SnapshotSql(warehouse, resolved, keys, warehouse.TimestampSql(runTime, timeType));
    }

    /// <summary>
    /// Two rows of the select for one key would both become current versions (dbt writes them so), and a NULL key
    /// matches no version: both are refused before anything is written.
    /// </summary>
    private async Task RefuseDuplicateKeysAsync(ModelBuild build, Model model, string staged, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var nulls = await build.ReadAsync(
            $"SELECT 1 FROM {staged} WHERE {string.Join(" OR ", keys.Select(k => $"{warehouse.Quote(k)} IS NULL"))} LIMIT 1", null, cancellationToken);
        if (nulls.Count > 0)
        {
            throw Error(model, model.Snapshot!, $"selects a row whose unique_key ({string.Join(", ", keys)}) is NULL; such a row matches no version, so nothing is written (filter it out)");
        }

        var quoted = string.Join(", ", keys.Select(warehouse.Quote));
        var twice = await build.ReadAsync($"SELECT {quoted}, count(*) FROM {staged} GROUP BY {quoted} HAVING count(*) > 1 LIMIT 1", null, cancellationToken);
        if (twice.Count > 0)
        {
            var key = string.Join(", ", keys.Select((k, i) => $"{k}={twice[0][i]}"));
            throw Error(model, model.Snapshot!, $"selects {twice[0][keys.Count]} rows for {key}; each would become a current version, so nothing is written " +
                "(make the select return one row per unique_key: deduplicate it, or widen unique_key)");
        }
    }

    private static TransformException Error(Model model, SnapshotOptions options, string what) => new($"{model.Path}:{options.Line}: snapshot {model.Name} {what}");
}
