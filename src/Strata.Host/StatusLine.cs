using System.Globalization;

namespace Strata.Host;

/// <summary>
/// The one line <c>strata up</c> keeps rewritten on a terminal, from what the host knows right now:
/// <c>gold 0.4 s old · lag 12 KiB · last run 14:02:11 (8 models, 0.21 s) · 4 workers healthy</c>.
/// </summary>
internal static class StatusLine
{
    /// <summary>The line now by <paramref name="clock"/>; the last run's time in its local time zone.</summary>
    public static string Text(PlatformState state, TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        string?[] parts = [Gold(state, now), Lag(state.Slot), LastRun(state.LastRun, clock.LocalTimeZone), Workers(state), Quarantined(state.Quarantined)];
        return string.Join(" · ", parts.OfType<string>());
    }

    private static string Gold(PlatformState state, DateTime now) => state.GoldAgeSeconds(now) switch
    {
        null when !state.Milestone("ingestion").IsCompleted => "taking the snapshot",
        null => "gold not built yet",
        var age when age > state.ErrorAfter.TotalSeconds => $"gold {Duration(age.Value)} old, past freshness.error_after",
        var age when age > state.WarnAfter.TotalSeconds => $"gold {Duration(age.Value)} old, past freshness.warn_after",
        var age => $"gold {Duration(age.Value)} old",
    };

    private static string? Lag(SlotLag? slot) => slot switch
    {
        null => null,
        { State: "active", LagBytes: { } bytes } => $"lag {Bytes(bytes)}",
        { State: "inactive", LagBytes: { } bytes } => $"lag {Bytes(bytes)}, slot inactive",
        { State: var state } when state.StartsWith("unreachable", StringComparison.Ordinal) => "source unreachable",
        { State: var state } => $"slot {state}",
    };

    private static string LastRun(TransformRunInfo? run, TimeZoneInfo zone) => run is null
        ? "no run yet"
        : string.Create(CultureInfo.InvariantCulture,
            $"last run {TimeZoneInfo.ConvertTimeFromUtc(run.At, zone):HH:mm:ss} ({Count(run.Models, "model")}, {Duration(run.Seconds)}{(run.Failed > 0 ? $", {run.Failed} failed" : "")})");

    /// <summary>Healthy workers, and by name those degraded or failed (they restart on their own).</summary>
    private static string Workers(PlatformState state)
    {
        var workers = state.Workers.Read();
        var healthy = Count(workers.Count(w => w.Value.State == WorkerStatus.Healthy), "worker") + " healthy";
        string? Named(string status) => workers.Where(w => w.Value.State == status).Select(w => w.Key).ToList() is { Count: > 0 } names ? $"{string.Join(", ", names)} {status}" : null;
        return string.Join(", ", new[] { healthy, Named(WorkerStatus.Degraded), Named(WorkerStatus.Failed) }.OfType<string>());
    }

    private static string? Quarantined(IReadOnlyList<string> tables) => tables.Count == 0 ? null : Count(tables.Count, "table") + " quarantined";

    /// <summary>Two significant digits below a second, whole seconds up to two minutes, then minutes and hours.</summary>
    internal static string Duration(double seconds) => seconds switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.##} s"),
        < 10 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s"),
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#} h"),
    };

    /// <summary>Binary units, as WAL sizes are usually given.</summary>
    internal static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var value = (double)bytes;
        var unit = 0;
        for (; value >= 1024 && unit < units.Length - 1; unit++)
        {
            value /= 1024;
        }

        var number = (unit == 0 ? bytes : value).ToString(unit > 0 && value < 10 ? "0.#" : "0", CultureInfo.InvariantCulture);
        return $"{number} {units[unit]}";
    }

    private static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? "" : "s")}");
}
