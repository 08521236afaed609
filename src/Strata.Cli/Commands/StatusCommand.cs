using System.Globalization;
using System.Text.Json;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Errors;
using Strata.Host;

namespace Strata.Cli.Commands;

/// <summary><c>strata status</c>: the overview of the running <c>strata up</c>, asked through its API.</summary>
internal sealed class StatusCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<JsonSettings>(runtime, console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, JsonSettings settings, CancellationToken cancellationToken)
    {
        var config = LoadConfig(settings);
        using var client = HostClient.Find(config, TimeSpan.FromSeconds(10))
            ?? throw new UsageException($"strata up is not running for the project in {config.ProjectDirectory}; start it with `strata up` (or scripts/up)");
        var host = client.Host;
        var body = await client.GetStringAsync("api/overview", cancellationToken);
        if (settings.Json)
        {
            Runtime.Output.WriteLine(body);
            return 0;
        }

        using var overview = JsonDocument.Parse(body);
        var root = overview.RootElement;
        var freshness = root.GetProperty("gold_freshness_seconds");
        Console.Table(["", "value"],
        [
            ["host", $"{host.Url} (pid {host.ProcessId}, since {host.StartedAt.ToString("u", CultureInfo.InvariantCulture)})"],
            ["replication slot", root.GetProperty("slot") is { ValueKind: JsonValueKind.Object } slot
                ? $"{slot.GetProperty("state").GetString()}, {Number(slot, "lag_bytes", "N0")} bytes held, newest batch {Number(slot, "lag_seconds", "0.00")} s after its source commit"
                : "-"],
            ["age of gold", freshness.ValueKind == JsonValueKind.Number ? $"{freshness.GetDouble():0.0} s (worst gold relation, as of its last successful build)" : "-"],
            ["transformation runs", root.GetProperty("transformation_runs").GetInt32().ToString(CultureInfo.InvariantCulture)],
            .. root.GetProperty("workers").EnumerateObject().Select(w => (IReadOnlyList<string>)[$"worker {w.Name}", WorkerText(w.Value)]),
            ["failing tests", root.GetProperty("failing_tests").GetArrayLength().ToString(CultureInfo.InvariantCulture)],
            ["quarantined tables", root.GetProperty("quarantined_tables").GetArrayLength() is 0 ? "none"
                : string.Join(", ", root.GetProperty("quarantined_tables").EnumerateArray().Select(t => t.GetString()))],
            ["gold", root.GetProperty("gold_status").GetString() ?? "-"],
            .. root.GetProperty("problems").EnumerateArray().Select(p => (IReadOnlyList<string>)["problem", p.GetString() ?? ""]),
            .. root.GetProperty("alerts").EnumerateArray().Select(a => (IReadOnlyList<string>)[$"alert {a.GetProperty("rule").GetString()}",
                $"{a.GetProperty("message").GetString()} (firing since {a.GetProperty("fired_at").GetDateTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC)"]),
        ], "Strata");
        return 0;
    }

    /// <summary>A worker's state as the overview says it: <c>degraded: why</c>, with since when.</summary>
    private static string WorkerText(JsonElement worker) =>
        $"{worker.GetProperty("state").GetString()}{(worker.GetProperty("detail").GetString() is { } detail ? $": {detail}" : "")}" +
        $" (since {worker.GetProperty("since").GetDateTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC)";

    private static string Number(JsonElement element, string property, string format) =>
        element.GetProperty(property) is { ValueKind: JsonValueKind.Number } value ? value.GetDouble().ToString(format, CultureInfo.InvariantCulture) : "-";
}
