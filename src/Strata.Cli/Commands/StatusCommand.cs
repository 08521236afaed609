using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Configuration;
using Strata.Errors;
using Strata.Host;

namespace Strata.Cli.Commands;

/// <summary><c>strata status</c>: the overview of the running <c>strata up</c>, asked through its API.</summary>
internal sealed class StatusCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<JsonSettings>(runtime, console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, JsonSettings settings, CancellationToken cancellationToken)
    {
        var config = LoadConfig(settings);
        var host = HostFile.Read(config)
            ?? throw new UsageException($"strata up is not running for the project in {config.ProjectDirectory}; start it with `strata up` (or scripts/up)");
        using var client = new HttpClient { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromSeconds(10) };
        if (config.Secret(Settings.DashboardToken) is { } token)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        string body;
        try
        {
            body = await client.GetStringAsync(new Uri("api/overview", UriKind.Relative), cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new UsageException($"strata up (pid {host.ProcessId}) does not answer at {host.Url} ({ex.Message}); it may have stopped — start it again");
        }

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
            ["gold freshness", freshness.ValueKind == JsonValueKind.Number ? $"{freshness.GetDouble():0.0} s behind the source" : "-"],
            ["transformation runs", root.GetProperty("transformation_runs").GetInt32().ToString(CultureInfo.InvariantCulture)],
            .. root.GetProperty("workers").EnumerateObject().Select(w => (IReadOnlyList<string>)[$"worker {w.Name}", w.Value.GetString() ?? ""]),
            ["failing tests", root.GetProperty("failing_tests").GetArrayLength().ToString(CultureInfo.InvariantCulture)],
        ], "Strata");
        return 0;
    }
}
