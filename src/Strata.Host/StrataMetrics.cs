using System.Diagnostics.Metrics;

namespace Strata.Host;

/// <summary>
/// The host's metrics (OpenTelemetry, scraped at <c>/metrics</c> in Prometheus format): gold freshness, ingestion
/// latency and volume, model run durations.
/// </summary>
public sealed class StrataMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Strata";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _transactions;
    private readonly Counter<long> _changes;
    private readonly Histogram<double> _latency;
    private readonly Histogram<double> _modelRuns;

    /// <summary>Creates the instruments over the host's state.</summary>
    public StrataMetrics(PlatformState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _meter.CreateObservableGauge("strata_gold_freshness_seconds",
            () => state.GoldAgeSeconds(DateTime.UtcNow) ?? double.NaN,
            "s", "Age of gold: how long the oldest bronze change the worst gold relation lacks has waited (docs/host.md)");
        _meter.CreateObservableCounter("strata_transformation_runs_total", () => state.Runs, description: "Transformation runs since start");
        _transactions = _meter.CreateCounter<long>("strata_ingested_transactions_total", description: "Source transactions written to bronze");
        _changes = _meter.CreateCounter<long>("strata_ingested_changes_total", description: "Row changes written to bronze");
        _meter.CreateObservableGauge("strata_replication_lag_bytes", () => state.Slot?.LagBytes ?? double.NaN, "By",
            "WAL the source keeps for the replication slot (current position − confirmed position)");
        _meter.CreateObservableGauge("strata_ingest_lag_seconds", () => state.IngestLatencySeconds ?? double.NaN, "s",
            "Source commit → bronze commit of the newest batch");
        _latency = _meter.CreateHistogram<double>("strata_ingest_latency_seconds", "s", "Source commit to bronze commit");
        _modelRuns = _meter.CreateHistogram<double>("strata_model_run_duration_seconds", "s", "Duration of each model run");
    }

    /// <summary>Records a bronze commit.</summary>
    public void Ingested(Ingestion.BronzeCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        _transactions.Add(commit.CommitTimes.Count);
        _changes.Add(commit.Changes);
        foreach (var time in commit.CommitTimes)
        {
            _latency.Record((commit.CommittedAt - time).TotalSeconds);
        }
    }

    /// <summary>Records a model run.</summary>
    public void ModelRun(string model, TimeSpan duration, string status) =>
        _modelRuns.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("status", status));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
