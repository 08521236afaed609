using Strata.Transform.Execution.Staging;
using Strata.Transform.Project;
using Strata.Warehouse;
using Strata.Warehouse.Changelog;

namespace Strata.Transform.Execution;

/// <summary>The newest change a batch applied, and how many it held: where the model's watermark moves to.</summary>
internal readonly record struct AppliedChanges(long Changes, long Lsn, long Seq, DateTime? CommitTime);

/// <summary>
/// Applies one batch of changes — a changelog model's compiled select over its window — to a relation, inside the
/// caller's build: the latest version per key for <c>current_state</c>, a row per version for <c>history</c>.
/// The builds apply it to the model's table; a unit test of the final state applies it to given prior rows and rolls back.
/// Every read and every staged table comes before the first write, as a <see cref="ModelBuild"/> without transactional DDL needs.
/// </summary>
internal sealed class ChangelogBatch(IWarehouse warehouse, ModelCompiler compiler)
{
    private static readonly string[] Metadata = ["_op", "_lsn", "_seq", "_commit_ts"];

    /// <summary>
    /// Applies <paramref name="sql"/>'s changes to <paramref name="relation"/>; <paramref name="create"/>, when given,
    /// turns the select of the relation's (empty) shape into the statement that creates it first. Null when the batch was empty.
    /// </summary>
    public async Task<AppliedChanges?> ApplyAsync(
        ModelBuild build, Model model, string relation, string sql, Func<string, string>? create, CancellationToken cancellationToken)
    {
        string batch;
        try
        {
            batch = await build.StageAsync($"strata_batch__{model.Name}", sql, cancellationToken);
        }
        catch (WarehouseException ex)
        {
            throw new TransformException($"{model.Path}: model {model.Name} failed in the warehouse: {ex.Message} (compiled SQL: {compiler.CompiledPath(model.Path)})", ex);
        }

        var columns = (await build.ReadAsync($"SELECT * FROM {batch} LIMIT 0", null, cancellationToken)).Columns;
        foreach (var required in Metadata.Concat(model.Config.UniqueKey).Where(c => !columns.Contains(c)))
        {
            throw new TransformException(
                $"{model.Path}: model {model.Name} is {model.Config.Materialized} and its select must carry column {required} " +
                $"(select the key and {{{{ changelog_columns() }}}} from the source)");
        }

        var values = columns.Where(c => c is not "_op" and not "_seq").ToList();
        var history = model.Config.Materialized == Materializations.History;
        if (create is not null)
        {
            var extra = history ? ", _seq, _commit_ts AS valid_from, _commit_ts AS valid_to, true AS is_current, false AS is_deleted" : "";
            await build.DefineAsync(create($"SELECT {List(values.Select(warehouse.Quote))}{extra} FROM {batch} WHERE 1 = 0"), cancellationToken);
        }

        var newest = await build.ReadAsync(
            $"SELECT _lsn, _seq, _commit_ts, count(*) OVER () FROM {batch} ORDER BY _lsn DESC, _seq DESC LIMIT 1", null, cancellationToken);
        AppliedChanges? applied = null;
        if (newest.Count > 0)
        {
            var resets = ChangelogState.Resets(await build.ReadAsync(ChangelogState.ResetsSql(batch), null, cancellationToken));
            var keys = model.Config.UniqueKey;
            if (history)
            {
                await ApplyHistoryAsync(build, relation, batch, keys, values, resets, cancellationToken);
            }
            else
            {
                await ApplyCurrentStateAsync(build, relation, batch, $"strata_latest__{model.Name}", keys, values, resets.Count == 0 ? null : resets[^1], cancellationToken);
            }

            applied = new AppliedChanges(
                TransformMetadata.Long(newest[0][3]), TransformMetadata.Long(newest[0][0]), TransformMetadata.Long(newest[0][1]), newest[0][2] as DateTime?);
        }

        await build.UnstageAsync(batch, cancellationToken);
        return applied;
    }

    private async Task ApplyCurrentStateAsync(
        ModelBuild build, string relation, string batch, string latestName, IReadOnlyList<string> keys, List<string> values, ChangelogReset? reset, CancellationToken cancellationToken)
    {
        // Staged before the reset's delete (it reads only the batch): a build without transactional DDL stages before writing.
        var latest = await build.StageAsync(latestName, ChangelogState.LatestVersionsSql(warehouse, batch, keys, reset?.Position), cancellationToken);
        if (reset is not null)
        {
            await build.WriteAsync($"DELETE FROM {relation}", null, cancellationToken);
        }

        // The latest version of each key in the batch replaces the row of that key: delete every key the batch
        // touches, insert the ones whose latest version is not a delete. Same result as a MERGE, and on a columnar
        // engine cheaper: a delete marks rows, an insert appends, where an update rewrites every column's segment.
        var quoted = List(values.Select(warehouse.Quote));
        await build.WriteAsync(warehouse.DeleteMatchingSql(relation, latest, keys), null, cancellationToken);
        await build.WriteAsync($"INSERT INTO {relation} ({quoted}) SELECT {quoted} FROM {latest} WHERE _op <> 'd'", null, cancellationToken);
        await build.UnstageAsync(latest, cancellationToken);
    }

    private async Task ApplyHistoryAsync(
        ModelBuild build, string relation, string batch, IReadOnlyList<string> keys, List<string> values, IReadOnlyList<ChangelogReset> resets, CancellationToken cancellationToken)
    {
        var quoted = List(values.Select(warehouse.Quote));
        var partition = List(keys.Select(warehouse.Quote));
        var versions = $"OVER (PARTITION BY {partition} ORDER BY _lsn, _seq)";
        ChangelogReset? previous = null;
        foreach (var reset in resets.Cast<ChangelogReset?>().Append(null))
        {
            var segment = $"{ChangelogState.After(previous?.Position)} AND {ChangelogState.Before(reset?.Position)} AND _op <> 't'";
            // Close the current version of every key that changes in this segment, at its first change.
            await build.WriteAsync(warehouse.UpdateFromSql(relation,
                $"(SELECT {partition}, min(_commit_ts) AS first_ts FROM {batch} WHERE {segment} GROUP BY {partition})", keys,
                "valid_to = s.first_ts, is_current = false", "t.is_current"), null, cancellationToken);
            await build.WriteAsync(
                $"INSERT INTO {relation} ({quoted}, _seq, valid_from, valid_to, is_current, is_deleted) " +
                $"SELECT {quoted}, _seq, _commit_ts, lead(_commit_ts) {versions}, lead(_lsn) {versions} IS NULL, _op = 'd' " +
                $"FROM {batch} WHERE {segment}", null, cancellationToken);
            if (reset is { } r)
            {
                await build.WriteAsync(
                    $"UPDATE {relation} SET valid_to = {warehouse.Parameter(1)}, is_current = false WHERE is_current", [r.CommitTime], cancellationToken);
            }

            previous = reset;
        }

        await CurrentVersions.GuardAsync(warehouse, build, relation, batch, keys, "t.is_current",
            key => new TransformException($"{relation} would hold two current versions of {key}; the build is rolled back (is unique_key really unique in the changelog?)"),
            cancellationToken);
    }

    private static string List(IEnumerable<string> columns) => string.Join(", ", columns);
}
