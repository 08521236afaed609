using System.Globalization;

namespace Strata.Tests.Transform;

/// <summary>A row of the plain (not changelog) table the snapshots read.</summary>
internal sealed record Thing(string Region, long Id, string? Name, long Size, DateTime UpdatedAt);

/// <summary>
/// The history dbt's snapshot semantics make of a table sampled once per run, worked out row by row in C#,
/// independently of the SQL under test: what a snapshot table must hold after each run.
/// </summary>
/// <param name="strategy"><c>timestamp</c> or <c>check</c>.</param>
/// <param name="checkName">check compares only <c>name</c> (else every column).</param>
/// <param name="hardDeletes"><c>ignore</c>, <c>invalidate</c> or <c>new_record</c>.</param>
/// <param name="validToCurrent">The dbt_valid_to of current rows, when configured.</param>
internal sealed class SnapshotOracle(string strategy, bool checkName, string hardDeletes, DateTime? validToCurrent = null)
{
    private readonly List<Version> _versions = [];

    /// <summary>Applies one run at <paramref name="runTime"/> that sees <paramref name="rows"/>.</summary>
    public void Run(IReadOnlyList<Thing> rows, DateTime runTime)
    {
        foreach (var row in rows)
        {
            var time = strategy == "timestamp" ? row.UpdatedAt : runTime;
            var current = Current(row.Region, row.Id);
            if (current is null || Changed(current, row) || current.Deleted)
            {
                if (current is not null)
                {
                    current.ValidTo = time;
                }

                _versions.Add(new Version(row, time, time, false));
            }
        }

        foreach (var current in _versions.Where(v => v.ValidTo is null && !rows.Any(r => (r.Region, r.Id) == (v.Row.Region, v.Row.Id))).ToList())
        {
            if (hardDeletes == "ignore" || current.Deleted)
            {
                continue;
            }

            current.ValidTo = runTime;
            if (hardDeletes == "new_record")
            {
                _versions.Add(new Version(current.Row, runTime, runTime, true));
            }
        }
    }

    /// <summary>Every version as text, in the order <see cref="Text"/> sorts them.</summary>
    public List<string> Expected() =>
        _versions.Select(v => Text(v.Row, v.UpdatedAt, v.ValidFrom, v.ValidTo ?? validToCurrent, hardDeletes == "new_record" ? v.Deleted : null)).Order(StringComparer.Ordinal).ToList();

    /// <summary>One version as comparable text: region|id|name|size|updated_at|dbt_updated_at|dbt_valid_from|dbt_valid_to|dbt_is_deleted.</summary>
    public static string Text(Thing row, DateTime updatedAt, DateTime validFrom, DateTime? validTo, bool? deleted) =>
        string.Join('|', row.Region, row.Id.ToString(CultureInfo.InvariantCulture), row.Name ?? "NULL", row.Size.ToString(CultureInfo.InvariantCulture),
            Iso(row.UpdatedAt), Iso(updatedAt), Iso(validFrom), validTo is { } to ? Iso(to) : "NULL", deleted switch { null => "-", true => "True", false => "False" });

    private static string Iso(DateTime time) => time.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

    private Version? Current(string region, long id) => _versions.SingleOrDefault(v => v.ValidTo is null && (v.Row.Region, v.Row.Id) == (region, id));

    private bool Changed(Version current, Thing row) => strategy == "timestamp"
        ? current.ValidFrom < row.UpdatedAt
        : checkName ? current.Row.Name != row.Name : current.Row != row;

    private sealed class Version(Thing row, DateTime updatedAt, DateTime validFrom, bool deleted)
    {
        public Thing Row { get; } = row;

        public DateTime UpdatedAt { get; } = updatedAt;

        public DateTime ValidFrom { get; } = validFrom;

        public DateTime? ValidTo { get; set; }

        public bool Deleted { get; } = deleted;
    }
}
