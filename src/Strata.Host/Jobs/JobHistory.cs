using System.Globalization;
using Strata.Warehouse;
using Strata.Warehouse.Metadata;

namespace Strata.Host.Jobs;

/// <summary>
/// <c>_strata.runs</c>: every run of every host job (transformation runs, scheduled tests, reconcile, freshness,
/// report deliveries), for the dashboard's runs page.
/// </summary>
public sealed class JobHistory(IWarehouse warehouse)
{
    private static readonly StrataTable Table = StrataSchema.Runs;

    /// <summary>Creates the table when missing; once, at start, before any worker writes.</summary>
    public Task EnsureAsync(CancellationToken cancellationToken = default) => StrataSchema.EnsureAsync(warehouse, cancellationToken);

    /// <summary>Records a finished run.</summary>
    public Task RecordAsync(JobRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return warehouse.ExecuteAsync(
            Table.InsertSql(warehouse),
            [run.Job, run.Trigger, run.Status, (long)run.Attempts, run.StartedAt, (long)run.Duration.TotalMilliseconds, run.Detail, run.Error],
            cancellationToken);
    }

    /// <summary>The newest runs first.</summary>
    public async Task<IReadOnlyList<JobRun>> ReadAsync(int limit, CancellationToken cancellationToken = default)
    {
        var rows = await warehouse.QueryAsync(Table.SelectSql(warehouse, $"ORDER BY started_at DESC LIMIT {limit}"), null, cancellationToken);
        return rows.Select(r => new JobRun((string)r[0]!, (string)r[1]!, (string)r[2]!, (int)Convert.ToInt64(r[3], CultureInfo.InvariantCulture),
            DateTime.SpecifyKind((DateTime)r[4]!, DateTimeKind.Utc), TimeSpan.FromMilliseconds(Convert.ToInt64(r[5], CultureInfo.InvariantCulture)),
            (string?)r[6] ?? "", (string?)r[7])).ToList();
    }
}
