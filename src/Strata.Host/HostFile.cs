using System.Text.Json;
using Strata.Configuration;

namespace Strata.Host;

/// <summary><c>.strata/host.json</c>: where a running <c>strata up</c> answers, for <c>strata status</c>.</summary>
public static class HostFile
{
    private static string PathOf(StrataConfig config) => config.HostFilePath;

    internal static async Task WriteAsync(StrataConfig config, string url)
    {
        Files.OwnerOnly.CreateDirectory(config.StateDirectory);
        // Written aside and renamed: a reader never sees half a file.
        var partial = PathOf(config) + ".partial";
        await File.WriteAllTextAsync(partial, JsonSerializer.Serialize(new HostInfo(url, Environment.ProcessId, DateTime.UtcNow)));
        File.Move(partial, PathOf(config), overwrite: true);
    }

    internal static void Delete(StrataConfig config) => File.Delete(PathOf(config));

    /// <summary>The running host's address, or null when none has announced itself.</summary>
    public static HostInfo? Read(StrataConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        try
        {
            return JsonSerializer.Deserialize<HostInfo>(File.ReadAllText(PathOf(config)));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // not written yet, or the host just stopped
        }
    }
}

/// <summary>A running host.</summary>
/// <param name="Url">Its dashboard and API.</param>
/// <param name="ProcessId">Its process.</param>
/// <param name="StartedAt">Since when (UTC).</param>
public sealed record HostInfo(string Url, int ProcessId, DateTime StartedAt);
