using Strata.Transform.Project;
using Strata.Warehouse;

namespace Strata.Transform.Execution.Strategies;

/// <summary>
/// The expressions of a dbt snapshot, composed as dbt's snapshot macros do from portable SQL and the warehouse's
/// members: the columns dbt adds, which rows are current, when a version starts, and what counts as a change.
/// </summary>
/// <param name="Warehouse">The warehouse whose quoting and literals are used.</param>
/// <param name="Options">The snapshot's strategy and configs.</param>
/// <param name="Keys">Its unique_key columns, as the select names them.</param>
/// <param name="RunTime">The run's time as a literal of the snapshot's timestamp type: what <c>check</c> versions start at, and what a deletion closes at.</param>
internal sealed record SnapshotSql(IWarehouse Warehouse, SnapshotOptions Options, IReadOnlyList<string> Keys, string RunTime)
{
    public const string ScdId = "dbt_scd_id";
    public const string UpdatedAt = "dbt_updated_at";
    public const string ValidFrom = "dbt_valid_from";
    public const string ValidTo = "dbt_valid_to";
    public const string IsDeleted = "dbt_is_deleted";

    /// <summary>dbt's values of <c>dbt_is_deleted</c> are text (dbt-adapters' snapshot macros write <c>'True'</c>/<c>'False'</c>).</summary>
    public string Deleted(bool deleted) => $"CAST('{(deleted ? "True" : "False")}' AS {Warehouse.TypeName(WarehouseType.Text)})";

    public bool NewRecordOnDelete => Options.HardDeletes == "new_record";

    /// <summary>The columns dbt adds to the select's, in its order.</summary>
    public IReadOnlyList<string> MetaColumns => NewRecordOnDelete ? [ScdId, UpdatedAt, ValidFrom, ValidTo, IsDeleted] : [ScdId, UpdatedAt, ValidFrom, ValidTo];

    public string Column(string alias, string column) => $"{alias}.{Warehouse.Quote(column)}";

    /// <summary>Whether row <paramref name="alias"/> of the snapshot is a current version: <c>dbt_valid_to</c> NULL, or the configured <c>dbt_valid_to_current</c>.</summary>
    public string IsCurrent(string alias) => Options.ValidToCurrent is { } current
        ? $"({Column(alias, ValidTo)} IS NULL OR {Column(alias, ValidTo)} = {current})"
        : $"{Column(alias, ValidTo)} IS NULL";

    /// <summary>When a version of select row <paramref name="alias"/> starts: its <c>updated_at</c>, or (<c>check</c> without one) the run's time.</summary>
    public string VersionTime(string alias) => Options.UpdatedAt is { } column ? Column(alias, column) : RunTime;

    /// <summary>The <c>dbt_valid_to</c> of a new version starting at <paramref name="time"/>: NULL of its type (dbt's trick), or <c>dbt_valid_to_current</c>.</summary>
    public string OpenValidTo(string time) => Options.ValidToCurrent is { } current ? $"coalesce(nullif({time}, {time}), {current})" : $"nullif({time}, {time})";

    /// <summary>dbt's <c>dbt_scd_id</c>: an MD5 of the key columns and the version's time, each as text, joined by <c>|</c>.</summary>
    public string ScdIdOf(string alias, string time)
    {
        var text = Warehouse.TypeName(WarehouseType.Text);
        var parts = Keys.Select(k => Column(alias, k)).Append(time).Select(e => $"coalesce(CAST({e} AS {text}), '')");
        return Warehouse.HashTextSql(string.Join(" || '|' || ", parts));
    }

    /// <summary>
    /// Whether select row <paramref name="source"/> is a new version of current row <paramref name="current"/>:
    /// <c>timestamp</c>, its <c>updated_at</c> is newer; <c>check</c>, one of the checked columns differs (NULL-safe).
    /// With <c>hard_deletes='new_record'</c> a key that comes back after its deletion record is one too.
    /// </summary>
    public string Changed(string current, string source, IReadOnlyList<string> selectColumns)
    {
        var changed = Options.Strategy == "timestamp"
            ? $"{Column(current, ValidFrom)} < {Column(source, Options.UpdatedAt!)}"
            : string.Join(" OR ", (Options.CheckCols ?? selectColumns).Select(c => $"{Column(current, c)} IS DISTINCT FROM {Column(source, c)}"));
        return NewRecordOnDelete ? $"({changed}) OR {Column(current, IsDeleted)} = {Deleted(true)}" : $"({changed})";
    }
}
