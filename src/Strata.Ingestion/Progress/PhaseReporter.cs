using Strata.Text;

namespace Strata.Ingestion.Progress;

/// <summary>Keeps <see cref="IngestPhaseFile"/> up to date for one run of ingestion.</summary>
/// <remarks>Parallel table copies report as they commit, hence the lock.</remarks>
internal sealed class PhaseReporter(string path, string pipeline, string slot, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private string? _snapshotLsn;
    private int _tablesDone;
    private int _rangesDone;
    private int _tablesTotal;
    private string? _streamingFrom;

    public void Starting()
    {
        lock (_lock)
        {
            _streamingFrom = null;
            Write(IngestStage.Starting);
        }
    }

    public void SnapshotStarted(ulong lsn, int tables)
    {
        lock (_lock)
        {
            (_snapshotLsn, _tablesDone, _rangesDone, _tablesTotal) = (LsnText.Format(lsn), 0, 0, tables);
            Write(IngestStage.Snapshot);
        }
    }

    /// <summary>A block range of a table still under way committed.</summary>
    public void RangeDone()
    {
        lock (_lock)
        {
            _rangesDone++;
            Write(IngestStage.Snapshot);
        }
    }

    public void TableDone()
    {
        lock (_lock)
        {
            _tablesDone++;
            Write(IngestStage.Snapshot);
        }
    }

    /// <summary>A snapshot taken while streaming (a table that joined the publication) is over: streaming goes on.</summary>
    public void SnapshotFinished()
    {
        lock (_lock)
        {
            if (_streamingFrom is not null)
            {
                Write(IngestStage.Streaming);
            }
        }
    }

    public void Streaming(ulong checkpoint)
    {
        lock (_lock)
        {
            _streamingFrom = LsnText.Format(checkpoint);
            Write(IngestStage.Streaming);
        }
    }

    public void Stopped()
    {
        lock (_lock)
        {
            Write(IngestStage.Stopped);
        }
    }

    /// <summary>Called under the lock.</summary>
    private void Write(IngestStage stage)
    {
        var snapshot = stage == IngestStage.Snapshot;
        IngestPhaseFile.Write(path, new IngestPhase(
            pipeline, slot, Environment.ProcessId, stage,
            snapshot ? _snapshotLsn : null, snapshot ? _tablesDone : 0, snapshot ? _tablesTotal : 0,
            stage == IngestStage.Streaming ? _streamingFrom : null, clock.GetUtcNow().UtcDateTime, snapshot ? _rangesDone : 0));
    }
}
