using System.Text.Json;
using System.Text.Json.Serialization;

namespace Strata.Ingestion.Progress;

/// <summary>
/// <c>.strata/ingest/&lt;pipeline&gt;.json</c>: what a running <c>strata ingest</c> is doing, for programs rather than people
/// (scripts, monitoring, the tests that kill it at a chosen phase). Its field names are a contract; see docs/ingestion.md.
/// </summary>
/// <remarks>
/// Written aside and renamed, so a reader never sees half a file. A process killed with -9 leaves its last phase behind:
/// a reader checks <see cref="IngestPhase.ProcessId"/> against the process it means.
/// </remarks>
public static class IngestPhaseFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The file of <paramref name="pipeline"/> under the project's state folder.</summary>
    public static string PathOf(string stateDirectory, string pipeline) => Path.Combine(stateDirectory, "ingest", pipeline + ".json");

    /// <summary>Records <paramref name="phase"/>.</summary>
    public static void Write(string path, IngestPhase phase)
    {
        ArgumentNullException.ThrowIfNull(phase);
        Files.OwnerOnly.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = $"{path}.{Environment.ProcessId}.partial";
        Files.OwnerOnly.WriteAllText(partial, JsonSerializer.Serialize(phase, Json));
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>The last phase recorded, or null when none was.</summary>
    public static IngestPhase? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<IngestPhase>(File.ReadAllText(path), Json);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}

/// <summary>Where ingestion is.</summary>
public enum IngestStage
{
    /// <summary>Connecting, reading the catalog and the checkpoint.</summary>
    Starting,

    /// <summary>Copying tables as of a consistent point (the first snapshot, a resync, or a newly published table).</summary>
    Snapshot,

    /// <summary>Streaming changes from the slot.</summary>
    Streaming,

    /// <summary>Ended normally (caught up with <c>--once</c>, or stopped by Ctrl+C).</summary>
    Stopped,
}

/// <summary>One record of <see cref="IngestPhaseFile"/>.</summary>
/// <param name="Pipeline">The pipeline.</param>
/// <param name="Slot">Its replication slot.</param>
/// <param name="ProcessId">The process that wrote it.</param>
/// <param name="Stage">What it is doing.</param>
/// <param name="SnapshotLsn">During a snapshot: its consistent point.</param>
/// <param name="TablesDone">During a snapshot: tables committed so far.</param>
/// <param name="TablesTotal">During a snapshot: tables it copies.</param>
/// <param name="CheckpointLsn">While streaming: the checkpoint it resumed from.</param>
/// <param name="UpdatedAt">When it was written (UTC).</param>
/// <param name="RangesDone">During a snapshot: block ranges committed so far of tables not yet done.</param>
public sealed record IngestPhase(
    string Pipeline,
    string Slot,
    int ProcessId,
    IngestStage Stage,
    string? SnapshotLsn,
    int TablesDone,
    int TablesTotal,
    string? CheckpointLsn,
    DateTime UpdatedAt,
    int RangesDone = 0);
