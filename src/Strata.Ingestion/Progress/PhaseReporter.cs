using NpgsqlTypes;

namespace Strata.Ingestion.Progress;

/// <summary>Keeps <see cref="IngestPhaseFile"/> up to date for one run of ingestion.</summary>
internal sealed class PhaseReporter(string path, string pipeline, string slot, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private string? _snapshotLsn;
    private int _tablesDone;
    private int _tablesTotal;

    public void Starting() => Write(IngestStage.Starting, null);

    public void SnapshotStarted(ulong lsn, int tables)
    {
        lock (_lock)
        {
            _snapshotLsn = new NpgsqlLogSequenceNumber(lsn).ToString();
            _tablesDone = 0;
            _tablesTotal = tables;
            Write(IngestStage.Snapshot, null);
        }
    }

    /// <summary>Called from parallel copies as each table commits.</summary>
    public void TableDone()
    {
        lock (_lock)
        {
            _tablesDone++;
            Write(IngestStage.Snapshot, null);
        }
    }

    public void Streaming(ulong checkpoint) => Write(IngestStage.Streaming, new NpgsqlLogSequenceNumber(checkpoint).ToString());

    public void Stopped() => Write(IngestStage.Stopped, null);

    private void Write(IngestStage stage, string? checkpoint)
    {
        lock (_lock)
        {
            var snapshot = stage == IngestStage.Snapshot;
            IngestPhaseFile.Write(path, new IngestPhase(
                pipeline, slot, Environment.ProcessId, stage,
                snapshot ? _snapshotLsn : null, snapshot ? _tablesDone : 0, snapshot ? _tablesTotal : 0,
                checkpoint, clock.GetUtcNow().UtcDateTime));
        }
    }
}
