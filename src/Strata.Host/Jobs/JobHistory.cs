using Strata.Configuration;
using Strata.Ingestion;
using Strata.Warehouse;

namespace Strata.Host.Jobs;

/// <summary>
/// <c>_strata.runs</c>: every run of every host job (transformation runs, scheduled tests, reconcile, freshness,
/// report deliveries), for the dashboard's runs page. Writes are serialised: one warehouse handle for the host's bookkeeping.
/// </summary>
public sealed class JobHistory(StrataConfig config) : IAsyncDisposable
{
    private const string Schema = "_strata";
    private const string Table = "runs";
    private static readonly WarehouseType Text = new(WarehouseTypeKind.Text);
    private static readonly WarehouseType Int64 = new(WarehouseTypeKind.Int64);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IWarehouse? _warehouse;

    /// <summary>Records a finished run; a failure to record is reported, never thrown (the run itself is what matters).</summary>
    public async Task RecordAsync(JobRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var warehouse = await OpenAsync(cancellationToken);
            await warehouse.ExecuteAsync(
                $"INSERT INTO {warehouse.Qualify(Schema, Table)} VALUES ({string.Join(", ", Enumerable.Range(1, 8).Select(warehouse.Parameter))})",
                [run.Job, run.Trigger, run.Status, (long)run.Attempts, run.StartedAt, (long)run.Duration.TotalMilliseconds, run.Detail, run.Error],
                cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The newest runs first, optionally of one job.</summary>
    public async Task<IReadOnlyList<JobRun>> ReadAsync(int limit, string? job = null, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var warehouse = await OpenAsync(cancellationToken);
            var rows = await warehouse.QueryAsync(
                $"SELECT job, trigger, status, attempts, started_at, duration_ms, detail, error FROM {warehouse.Qualify(Schema, Table)} " +
                $"{(job is null ? "" : $"WHERE job = {warehouse.Parameter(1)} ")}ORDER BY started_at DESC LIMIT {limit}",
                job is null ? null : [job], cancellationToken);
            return rows.Select(r => new JobRun((string)r[0]!, (string)r[1]!, (string)r[2]!, (int)Convert.ToInt64(r[3], System.Globalization.CultureInfo.InvariantCulture),
                DateTime.SpecifyKind((DateTime)r[4]!, DateTimeKind.Utc), TimeSpan.FromMilliseconds(Convert.ToInt64(r[5], System.Globalization.CultureInfo.InvariantCulture)),
                (string?)r[6] ?? "", (string?)r[7])).ToList();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IWarehouse> OpenAsync(CancellationToken cancellationToken)
    {
        if (_warehouse is not null)
        {
            return _warehouse;
        }

        var warehouse = await WarehouseFactory.OpenAsync(config, cancellationToken);
        await warehouse.EnsureSchemaAsync(Schema, cancellationToken);
        await warehouse.CreateTableAsync(Schema, Table, [
            new("job", Text), new("trigger", Text), new("status", Text), new("attempts", Int64), new("started_at", new WarehouseType(WarehouseTypeKind.Timestamp)),
            new("duration_ms", Int64), new("detail", Text), new("error", Text)], cancellationToken);
        return _warehouse = warehouse;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_warehouse is not null)
        {
            await _warehouse.DisposeAsync();
        }

        _gate.Dispose();
    }
}
