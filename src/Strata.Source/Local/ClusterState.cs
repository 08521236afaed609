using System.Text.Json;

namespace Strata.Source.Local;

/// <summary>What Strata remembers about a local cluster, in <c>cluster.json</c> beside its data folder.</summary>
/// <param name="Port">The loopback port the server listens on.</param>
/// <param name="BinDirectory">Where the server programs that created it live.</param>
/// <param name="Version">Server version that created it.</param>
/// <param name="OsUser">OS user owning the data when Strata ran as root, else null.</param>
/// <param name="DataRoot">Folder holding <c>data/</c> and <c>log/</c> when not the cluster's own folder (see <see cref="LocalCluster"/>).</param>
public sealed record ClusterState(int Port, string BinDirectory, string Version, string? OsUser, string? DataRoot = null)
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Reads the state file, or null when there is none.</summary>
    public static ClusterState? Read(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<ClusterState>(File.ReadAllText(path), Options) : null;

    /// <summary>Writes the state file atomically.</summary>
    public void Write(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Options));
        File.Move(temporary, path, overwrite: true);
    }
}
