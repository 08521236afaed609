using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Configuration;
using Strata.Source;

namespace Strata.Cli.Commands;

/// <summary>Base of every command: the runtime, the console and the project's configuration.</summary>
internal abstract class StrataCommand<TSettings>(CliRuntime runtime, SpectreStrataConsole console) : AsyncCommand<TSettings>
    where TSettings : GlobalSettings
{
    private bool _warned;

    protected CliRuntime Runtime => runtime;

    protected SpectreStrataConsole Console => console;

    /// <summary>Loads the configuration of the project the options point at.</summary>
    protected StrataConfig LoadConfig(TSettings settings)
    {
        var project = settings.Project
            ?? (runtime.Environment.TryGetValue("STRATA_PROJECT", out var fromEnvironment) && fromEnvironment.Length > 0 ? fromEnvironment : null)
            ?? runtime.WorkingDirectory;
        var config = ConfigLoader.Load(Path.GetFullPath(project, runtime.WorkingDirectory), runtime.Environment, runtime.WorkingDirectory);
        if (!_warned)
        {
            _warned = true;
            foreach (var warning in config.Warnings)
            {
                console.Warning(warning);
            }
        }

        return config;
    }

    /// <summary>The source service for the project the options point at.</summary>
    protected SourceService Source(TSettings settings) => new(LoadConfig(settings), console);
}
