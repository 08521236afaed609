using Strata.Transform.Project;
using Strata.Warehouse;
using Strata.Warehouse.Changelog;

namespace Strata.Transform.Execution;

/// <summary>
/// The CDC-aware materializations. Each run reads only the changelog rows past the model's watermark (and not past
/// what ingestion has committed whole), applies them, and moves the watermark in the same transaction — a crash
/// never skips or repeats a change.
/// <list type="bullet">
/// <item><c>current_state</c>: one row per key, the latest version by <c>(_lsn, _seq)</c>; deletes remove the row,
/// a TRUNCATE empties the table, a snapshot (<c>_op = 'r'</c>, a resync) replaces it.</item>
/// <item><c>history</c> (SCD type 2): a row per version with <c>valid_from</c>, <c>valid_to</c>, <c>is_current</c>,
/// <c>is_deleted</c> from source commit times; a delete adds a current tombstone; a TRUNCATE or snapshot closes every
/// current version, and a snapshot's rows start new ones.</item>
/// </list>
/// </summary>
internal sealed class ChangelogMaterializer(IWarehouse warehouse, ModelCompiler compiler, TransformMetadata metadata, long? bound)
{
    private static readonly string[] Metadata = ["_op", "_lsn", "_seq", "_commit_ts"];

    public async Task<(long Changes, DateTime? NewestCommit)> BuildAsync(Model model, bool fullRefresh, CancellationToken cancellationToken)
    {
        var (schema, name) = model.Relation;
        var source = ChangelogSource(model);
        var existing = await warehouse.RelationKindAsync(schema, name, cancellationToken);
        var relation = compiler.Relation(model);
        var (windowName, batchName, latestName) = ($"strata_changes__{model.Name}", $"strata_batch__{model.Name}", $"strata_latest__{model.Name}");
        var window = warehouse.Quote(windowName);
        var batch = warehouse.Quote(batchName);

        await using var transaction = await warehouse.BeginAsync(cancellationToken);
        if (fullRefresh || existing != RelationKind.Table)
        {
            if (existing != RelationKind.None)
            {
                await transaction.ExecuteAsync(warehouse.DropRelationSql(schema, name, existing == RelationKind.View), null, cancellationToken);
            }

            await metadata.ForgetAsync(transaction, model.Name, cancellationToken);
        }

        var watermark = await metadata.WatermarkAsync(transaction, model.Name, cancellationToken);
        var after = ChangelogState.After(watermark is { } w ? new ChangelogPosition(w.Lsn, w.Seq) : null);
        await transaction.ExecuteAsync(
            warehouse.CreateTempViewSql(windowName, $"SELECT * FROM {compiler.SourceRelation(source)} WHERE {after} AND {ChangelogState.UpTo(bound)}"), null, cancellationToken);
        var sql = await compiler.CompileAsync(model, isIncremental: watermark is not null, changes: window);
        try
        {
            await transaction.ExecuteAsync(warehouse.CreateTempTableSql(batchName, sql), null, cancellationToken);
        }
        catch (WarehouseException ex)
        {
            throw new TransformException($"{model.Path}: model {model.Name} failed in the warehouse: {ex.Message} (compiled SQL: {compiler.CompiledPath(model.Path)})", ex);
        }

        var columns = (await transaction.QueryAsync($"SELECT * FROM {batch} LIMIT 0", null, cancellationToken)).Columns;
        foreach (var required in Metadata.Concat(model.Config.UniqueKey).Where(c => !columns.Contains(c)))
        {
            throw new TransformException(
                $"{model.Path}: model {model.Name} is {model.Config.Materialized} and its select must carry column {required} " +
                $"(select the key and {{{{ changelog_columns() }}}} from the source)");
        }

        var values = columns.Where(c => c is not "_op" and not "_seq").ToList();
        var history = model.Config.Materialized == Materializations.History;
        if (fullRefresh || existing != RelationKind.Table)
        {
            var extra = history ? ", _seq, _commit_ts AS valid_from, _commit_ts AS valid_to, true AS is_current, false AS is_deleted" : "";
            await transaction.ExecuteAsync($"CREATE TABLE {relation} AS SELECT {List(values.Select(warehouse.Quote))}{extra} FROM {batch} WHERE 1 = 0", null, cancellationToken);
        }

        var newest = await transaction.QueryAsync(
            $"SELECT _lsn, _seq, _commit_ts, count(*) OVER () FROM {batch} ORDER BY _lsn DESC, _seq DESC LIMIT 1", null, cancellationToken);
        long changes = 0;
        DateTime? newestCommit = null;
        if (newest.Count > 0)
        {
            changes = TransformMetadata.Long(newest[0][3]);
            var resets = ChangelogState.Resets(await transaction.QueryAsync(ChangelogState.ResetsSql(batch), null, cancellationToken));
            var keys = model.Config.UniqueKey;
            if (history)
            {
                await ApplyHistoryAsync(transaction, relation, batch, keys, values, resets, cancellationToken);
            }
            else
            {
                await ApplyCurrentStateAsync(transaction, relation, batch, latestName, keys, values, resets.Count == 0 ? null : resets[^1], cancellationToken);
            }

            newestCommit = newest[0][2] as DateTime?;
            await metadata.SetWatermarkAsync(transaction, model.Name, TransformMetadata.Long(newest[0][0]), TransformMetadata.Long(newest[0][1]), newestCommit, cancellationToken);
        }

        await transaction.ExecuteAsync($"DROP TABLE {batch}", null, cancellationToken);
        await transaction.ExecuteAsync($"DROP VIEW {window}", null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (changes, newestCommit);
    }

    /// <summary>
    /// True when the changelog holds nothing for <paramref name="model"/> past its watermark up to the run's bound: the
    /// model, though not rebuilt, already holds everything up to the bound.
    /// </summary>
    public async Task<bool> CaughtUpAsync(Model model, CancellationToken cancellationToken)
    {
        if (bound is not { } b)
        {
            return false;
        }

        await using var transaction = await warehouse.BeginAsync(cancellationToken);
        if (await metadata.WatermarkAsync(transaction, model.Name, cancellationToken) is not { } w)
        {
            return false;
        }

        var pending = await transaction.QueryAsync(
            $"SELECT 1 FROM {compiler.SourceRelation(ChangelogSource(model))} WHERE {ChangelogState.After(new ChangelogPosition(w.Lsn, w.Seq))} AND {ChangelogState.UpTo(b)} LIMIT 1",
            null, cancellationToken);
        return pending.Count == 0;
    }

    private SourceTable ChangelogSource(Model model)
    {
        var sources = compiler.SourcesRead(model);
        if (sources.Count != 1 || !sources[0].IsChangelog)
        {
            throw new TransformException(
                $"{model.Path}: model {model.Name} is {model.Config.Materialized} and must read exactly one changelog source, itself or through ephemeral models " +
                $"(a source with changelog: true in sources.yml); it reads {(sources.Count == 0 ? "none" : string.Join(", ", sources.Select(s => s.FullName + (s.IsChangelog ? "" : " (not a changelog)"))))}");
        }

        return sources[0];
    }

    private async Task ApplyCurrentStateAsync(
        IWarehouseTransaction transaction, string relation, string batch, string latestName, IReadOnlyList<string> keys, List<string> values, ChangelogReset? reset, CancellationToken cancellationToken)
    {
        var latest = warehouse.Quote(latestName);
        if (reset is not null)
        {
            await transaction.ExecuteAsync($"DELETE FROM {relation}", null, cancellationToken);
        }

        // The latest version of each key in the batch replaces the row of that key: delete every key the batch
        // touches, insert the ones whose latest version is not a delete. Same result as a MERGE, and on a columnar
        // engine cheaper: a delete marks rows, an insert appends, where an update rewrites every column's segment.
        var quoted = List(values.Select(warehouse.Quote));
        await transaction.ExecuteAsync(warehouse.CreateTempTableSql(latestName, ChangelogState.LatestVersionsSql(warehouse, batch, keys, reset?.Position)), null, cancellationToken);
        await transaction.ExecuteAsync(warehouse.DeleteMatchingSql(relation, latest, keys), null, cancellationToken);
        await transaction.ExecuteAsync($"INSERT INTO {relation} ({quoted}) SELECT {quoted} FROM {latest} WHERE _op <> 'd'", null, cancellationToken);
        await transaction.ExecuteAsync($"DROP TABLE {latest}", null, cancellationToken);
    }

    private async Task ApplyHistoryAsync(
        IWarehouseTransaction transaction, string relation, string batch, IReadOnlyList<string> keys, List<string> values, IReadOnlyList<ChangelogReset> resets, CancellationToken cancellationToken)
    {
        var quoted = List(values.Select(warehouse.Quote));
        var partition = List(keys.Select(warehouse.Quote));
        var versions = $"OVER (PARTITION BY {partition} ORDER BY _lsn, _seq)";
        ChangelogReset? previous = null;
        foreach (var reset in resets.Cast<ChangelogReset?>().Append(null))
        {
            var segment = $"{ChangelogState.After(previous?.Position)} AND {ChangelogState.Before(reset?.Position)} AND _op <> 't'";
            // Close the current version of every key that changes in this segment, at its first change.
            await transaction.ExecuteAsync(warehouse.UpdateFromSql(relation,
                $"(SELECT {partition}, min(_commit_ts) AS first_ts FROM {batch} WHERE {segment} GROUP BY {partition})", keys,
                "valid_to = s.first_ts, is_current = false", "t.is_current"), null, cancellationToken);
            await transaction.ExecuteAsync(
                $"INSERT INTO {relation} ({quoted}, _seq, valid_from, valid_to, is_current, is_deleted) " +
                $"SELECT {quoted}, _seq, _commit_ts, lead(_commit_ts) {versions}, lead(_lsn) {versions} IS NULL, _op = 'd' " +
                $"FROM {batch} WHERE {segment}", null, cancellationToken);
            if (reset is { } r)
            {
                await transaction.ExecuteAsync(
                    $"UPDATE {relation} SET valid_to = {warehouse.Parameter(1)}, is_current = false WHERE is_current", [r.CommitTime], cancellationToken);
            }

            previous = reset;
        }

        if (await CurrentVersions.TwiceCurrentAsync(warehouse, transaction, relation, batch, keys, "t.is_current", cancellationToken) is { } key)
        {
            throw new TransformException(
                $"{relation} would hold two current versions of {key}; the build is rolled back (is unique_key really unique in the changelog?)");
        }
    }

    private static string List(IEnumerable<string> columns) => string.Join(", ", columns);
}
