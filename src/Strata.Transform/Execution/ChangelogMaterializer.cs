using Strata.Transform.Execution.Staging;
using Strata.Transform.Project;
using Strata.Warehouse;
using Strata.Warehouse.Changelog;

namespace Strata.Transform.Execution;

/// <summary>
/// The CDC-aware materializations. Each run reads only the changelog rows past the model's watermark (and not past
/// what ingestion has committed whole), applies them, and moves the watermark in the same transaction — a crash
/// never skips or repeats a change (on an engine without transactional DDL, the model's writes and the watermark
/// are that transaction, after the DDL: <see cref="StagedModelBuild"/>).
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
    private readonly ChangelogBatch _changes = new(warehouse, compiler);

    public async Task<(long Changes, DateTime? NewestCommit)> BuildAsync(Model model, bool fullRefresh, CancellationToken cancellationToken)
    {
        var (schema, name) = model.Relation;
        var source = ChangelogSource(model);
        var existing = await warehouse.RelationKindAsync(schema, name, cancellationToken);
        var relation = compiler.Relation(model);

        await using var build = await ModelBuild.BeginAsync(warehouse, cancellationToken);
        if (fullRefresh || existing != RelationKind.Table)
        {
            if (existing != RelationKind.None)
            {
                await build.DefineAsync(warehouse.DropRelationSql(schema, name, existing == RelationKind.View), cancellationToken);
            }

            // With the drop: where DDL commits on its own, a watermark kept after its table was dropped (or before the
            // new one is filled) would skip the changes before it. Forgotten first, a table without a watermark is
            // built from the whole changelog: a failure after the create is repaired by the next run.
            await metadata.ForgetAsync(build.Definitions, model.Name, cancellationToken);
        }

        var watermark = await metadata.WatermarkAsync(build, model.Name, cancellationToken);
        var after = ChangelogState.After(watermark is { } w ? new ChangelogPosition(w.Lsn, w.Seq) : null);
        var window = await build.StageViewAsync(
            $"strata_changes__{model.Name}", $"SELECT * FROM {compiler.SourceRelation(source)} WHERE {after} AND {ChangelogState.UpTo(bound)}", cancellationToken);
        var sql = await compiler.CompileAsync(model, isIncremental: watermark is not null, changes: window);
        var create = fullRefresh || existing != RelationKind.Table ? (Func<string, string>)(select => $"CREATE TABLE {relation} AS {select}") : null;
        var applied = await _changes.ApplyAsync(build, model, relation, sql, create, cancellationToken);
        if (applied is { } last)
        {
            await metadata.SetWatermarkAsync(build, model.Name, last.Lsn, last.Seq, last.CommitTime, cancellationToken);
        }

        await build.UnstageAsync(window, cancellationToken);
        await build.CommitAsync(cancellationToken);
        return (applied?.Changes ?? 0, applied?.CommitTime);
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

        await using var build = await ModelBuild.BeginAsync(warehouse, cancellationToken);
        if (await metadata.WatermarkAsync(build, model.Name, cancellationToken) is not { } w)
        {
            return false;
        }

        var pending = await build.ReadAsync(
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
}
