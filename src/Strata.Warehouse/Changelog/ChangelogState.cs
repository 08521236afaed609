using System.Globalization;

namespace Strata.Warehouse.Changelog;

/// <summary>
/// How the state of a table follows from its changelog (the bronze contract: <c>_op</c>, <c>_lsn</c>, <c>_seq</c>,
/// <c>_commit_ts</c> and the row's columns), in one place for every reader of it: the <c>current_state</c> and
/// <c>history</c> materializations and <c>strata reconcile</c>.
/// <list type="bullet">
/// <item>A <em>reset</em> ends all earlier state: a TRUNCATE at its own position, a snapshot (<c>_op = 'r'</c>, a
/// first load or a resync) just before its first row.</item>
/// <item>After the last reset, the state of a key is its latest version by <c>(_lsn, _seq)</c>, gone when that is a delete.</item>
/// </list>
/// The SQL is portable (window functions, no named windows); statements that differ between engines come from the adapter.
/// </summary>
public static class ChangelogState
{
    /// <summary>
    /// The resets in <paramref name="changes"/> (a relation or a parenthesized select), one row each of
    /// <c>_lsn, _seq, _commit_ts</c>; read them with <see cref="Resets"/>.
    /// </summary>
    public static string ResetsSql(string changes) =>
        $"SELECT _lsn, _seq, _commit_ts FROM {changes} AS c WHERE _op = 't' " +
        $"UNION ALL SELECT _lsn, -1, min(_commit_ts) FROM {changes} AS c WHERE _op = 'r' GROUP BY _lsn";

    /// <summary>The rows of <see cref="ResetsSql"/> in changelog order.</summary>
    public static IReadOnlyList<ChangelogReset> Resets(QueryResult rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Select(r => new ChangelogReset(new ChangelogPosition(Number(r[0]), Number(r[1])), (DateTime)r[2]!))
            .OrderBy(r => r.Position).ToList();
    }

    /// <summary>
    /// The latest version of each key in <paramref name="changes"/> after <paramref name="since"/> (every column of the
    /// changelog, deletes included, so a caller can remove the key); TRUNCATE markers are not versions.
    /// </summary>
    public static string LatestVersionsSql(IWarehouse warehouse, string changes, IReadOnlyList<string> keys, ChangelogPosition? since)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(keys);
        return $"SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY {string.Join(", ", keys.Select(warehouse.Quote))} ORDER BY _lsn DESC, _seq DESC) AS __strata_rank " +
            $"FROM {changes} AS c WHERE _op <> 't' AND {After(since)}) AS ranked WHERE __strata_rank = 1";
    }

    /// <summary>The changes after <paramref name="since"/> that are versions (not TRUNCATE markers), unordered.</summary>
    public static string VersionsSinceSql(string changes, ChangelogPosition? since) => $"SELECT * FROM {changes} AS c WHERE _op <> 't' AND {After(since)}";

    /// <summary>A condition true for changes after <paramref name="position"/>; always true without one.</summary>
    public static string After(ChangelogPosition? position) => position is { } p
        ? string.Create(CultureInfo.InvariantCulture, $"(_lsn > {p.Lsn} OR (_lsn = {p.Lsn} AND _seq > {p.Seq}))")
        : "true";

    /// <summary>A condition true for changes before <paramref name="position"/>; always true without one.</summary>
    public static string Before(ChangelogPosition? position) => position is { } p
        ? string.Create(CultureInfo.InvariantCulture, $"(_lsn < {p.Lsn} OR (_lsn = {p.Lsn} AND _seq < {p.Seq}))")
        : "true";

    /// <summary>A condition true for changes up to <paramref name="lsn"/> inclusive; always true without one.</summary>
    public static string UpTo(long? lsn) => lsn is { } l ? string.Create(CultureInfo.InvariantCulture, $"_lsn <= {l}") : "true";

    private static long Number(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);
}

/// <summary>A place in a changelog: the commit's LSN and the change's sequence within it.</summary>
public readonly record struct ChangelogPosition(long Lsn, long Seq) : IComparable<ChangelogPosition>
{
    /// <inheritdoc />
    public int CompareTo(ChangelogPosition other) => Lsn != other.Lsn ? Lsn.CompareTo(other.Lsn) : Seq.CompareTo(other.Seq);
}

/// <summary>A reset in a changelog (<see cref="ChangelogState"/>): where it is and the source commit time it stands for.</summary>
public readonly record struct ChangelogReset(ChangelogPosition Position, DateTime CommitTime);
