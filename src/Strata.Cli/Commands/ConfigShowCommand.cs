using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Spectre.Console.Cli;

namespace Strata.Cli.Commands;

/// <summary><c>strata config show</c>: every setting, its effective value and where it came from.</summary>
internal sealed class ConfigShowCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<JsonSettings>(runtime, console)
{
    public override Task<int> ExecuteAsync(CommandContext context, JsonSettings settings, CancellationToken cancellationToken)
    {
        var config = LoadConfig(settings);
        var values = config.Values.ToList();
        if (settings.Json)
        {
            Console.Json(new
            {
                Project = config.ProjectDirectory,
                Settings = values.Select(v => new { Setting = v.Definition.Path, Value = v.Display, From = v.Origin, Env = v.Definition.EnvironmentVariable }),
            });
            return Task.FromResult(0);
        }

        Console.Info($"Project: {config.ProjectDirectory}");
        Console.Table(
            ["setting", "value", "from", "environment variable"],
            values.Select(v => (IReadOnlyList<string>)[v.Definition.Path, v.Display ?? "(unset)", v.Origin, v.Definition.EnvironmentVariable]));
        return Task.FromResult(0);
    }
}
