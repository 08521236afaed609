using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Strata.Host.Web;

/// <summary>
/// The dashboard's pages, scripts and styles and the browser libraries npm installed, embedded in this assembly at
/// build time (<c>Strata.Host.csproj</c>) and served under <c>/assets/</c>: nothing comes from a CDN.
/// </summary>
internal static class DashboardAssets
{
    private const string Prefix = "assets/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every embedded asset by its name under <c>/assets/</c>, read once.</summary>
    private static readonly Lazy<FrozenDictionary<string, byte[]>> Files = new(() =>
    {
        var assembly = typeof(DashboardAssets).Assembly;
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).ToFrozenDictionary(
            n => n[Prefix.Length..].Replace('\\', '/'),
            n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            },
            StringComparer.Ordinal);
    });

    /// <summary>Every embedded asset's name.</summary>
    public static IEnumerable<string> Names => Files.Value.Keys;

    /// <summary>An embedded asset's text (for tests that check what the pages load).</summary>
    public static string Text(string name) => System.Text.Encoding.UTF8.GetString(Files.Value[name]);

    public static void Map(WebApplication app) =>
        app.MapRead("/assets/{*name}", (string name) => Serve(name));

    /// <summary>The asset <paramref name="name"/> (e.g. <c>overview.html</c>), or 404.</summary>
    public static IResult Serve(string name) =>
        Files.Value.TryGetValue(name, out var bytes) && ContentTypes.TryGetValue(Path.GetExtension(name), out var type)
            ? Results.Bytes(bytes, type)
            : Results.Text($"no asset {name}", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
}
