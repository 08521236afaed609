using System.Globalization;
using Strata.Warehouse;

namespace Strata.Ingestion.Bronze;

/// <summary>
/// Makes the replay of a write split into several warehouse transactions a no-op. Only the last transaction of a
/// write carries the checkpoint, so after a crash between two of them the stream resumes from the checkpoint and
/// brings again changes the first ones already landed. Those transactions took each table's changes in source
/// order, so what a table has past the checkpoint (in bronze, or held in the dead-letter table) is a prefix of its
/// changes: every replayed change at or below the highest <c>(_lsn, _seq)</c> found there is skipped, every later
/// one is new. Snapshot rows (<c>_op = 'r'</c>) carry their snapshot's LSN, not a change's, and are left out.
/// </summary>
internal sealed class ReplayGuard(IWarehouse warehouse, string pipeline)
{
    private readonly Dictionary<string, (long Lsn, long Seq)?> _written = new(StringComparer.Ordinal);

    /// <summary>
    /// Learns how far the tables not asked about before are written past <paramref name="checkpoint"/>: one query over
    /// their bronze tables, one over the dead-letter table.
    /// </summary>
    /// <remarks>Asked before this writer lands any change of the table; from then on its own writes only ever add later changes.</remarks>
    /// <param name="tables">Bronze names of the tables about to be written.</param>
    /// <param name="inBronze">Whether a table has a bronze table (a table whose first snapshot failed may have none).</param>
    /// <param name="checkpoint">The committed checkpoint.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    public async Task LearnAsync(IEnumerable<string> tables, Func<string, bool> inBronze, ulong checkpoint, CancellationToken cancellationToken)
    {
        var unknown = tables.Where(t => !_written.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count == 0)
        {
            return;
        }

        var after = ((long)checkpoint).ToString(CultureInfo.InvariantCulture);
        var probed = unknown.Where(inBronze).ToList();
        var probes = probed.Select((table, i) =>
        {
            var bronze = warehouse.Qualify(BronzeTable.Schema, table);
            return $"SELECT {i} AS t, _lsn, max(_seq) AS seq FROM {bronze} WHERE _op <> 'r' AND _lsn = " +
                $"(SELECT max(_lsn) FROM {bronze} WHERE _lsn > {after} AND _op <> 'r') GROUP BY _lsn";
        });
        IReadOnlyList<object?[]> rows = probed.Count == 0 ? [] : await warehouse.QueryAsync(string.Join("\nUNION ALL\n", probes), null, cancellationToken);
        foreach (var table in unknown)
        {
            _written[table] = null;
        }

        foreach (var row in rows)
        {
            Raise(probed[(int)Long(row[0])], Long(row[1]), Long(row[2]));
        }

        // Held changes past the checkpoint exist only after an interrupted write: few rows, read as they are.
        var held = await warehouse.QueryAsync(
            $"SELECT table_name, _lsn, _seq FROM {warehouse.Qualify(MetadataTables.Schema, Quarantine.Table)} " +
            $"WHERE pipeline = {warehouse.Parameter(1)} AND _lsn > {after} AND _op <> 'r'",
            [pipeline], cancellationToken);
        foreach (var row in held.Where(r => unknown.Contains((string)r[0]!, StringComparer.Ordinal)))
        {
            Raise((string)row[0]!, Long(row[1]), Long(row[2]));
        }
    }

    /// <summary>True when <paramref name="change"/> is already in bronze (or held) from an earlier, interrupted write.</summary>
    public bool Written(Change change) =>
        _written.GetValueOrDefault(change.Table.BronzeName) is { } top && ((long)change.Lsn, (long)change.Sequence).CompareTo(top) <= 0;

    /// <summary>Forgets what it learnt: after a write that failed, how much of it landed is not known.</summary>
    public void Forget() => _written.Clear();

    private void Raise(string table, long lsn, long seq)
    {
        if (_written.GetValueOrDefault(table) is not { } top || (lsn, seq).CompareTo(top) > 0)
        {
            _written[table] = (lsn, seq);
        }
    }

    private static long Long(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
