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
    private readonly Histogram<double> _latency;
    private readonly Histogram<double> _modelRuns;

    /// <summary>Creates the instruments over the host's state.</summary>
    public StrataMetrics(PlatformState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _meter.CreateObservableGauge("strata_gold_freshness_seconds",
            () => state.Freshness.LastOrDefault() is var (at, seconds) && at != default ? seconds + (DateTime.UtcNow - at).TotalSeconds : double.NaN,
            "s", "Now minus the commit time of the newest source change in gold");
        _meter.CreateObservableCounter("strata_transformation_runs_total", () => state.Runs, description: "Transformation runs since start");
        _transactions = _meter.CreateCounter<long>("strata_ingested_transactions_total", description: "Source transactions written to bronze");
        _latency = _meter.CreateHistogram<double>("strata_ingest_latency_seconds", "s", "Source commit to bronze commit");
        _modelRuns = _meter.CreateHistogram<double>("strata_model_run_duration_seconds", "s", "Duration of each model run");
    }

    /// <summary>Records a bronze commit holding source transactions committed at <paramref name="commitTimes"/>.</summary>
    public void Ingested(IReadOnlyList<DateTime> commitTimes, DateTime committedAt)
    {
        ArgumentNullException.ThrowIfNull(commitTimes);
        _transactions.Add(commitTimes.Count);
        foreach (var time in commitTimes)
        {
            _latency.Record((committedAt - time).TotalSeconds);
        }
    }

    /// <summary>Records a model run.</summary>
    public void ModelRun(string model, TimeSpan duration, string status) =>
        _modelRuns.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("status", status));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
