using System.ComponentModel;
using Spectre.Console.Cli;

namespace Strata.Cli.Commands;

/// <summary>Options every command takes.</summary>
internal class GlobalSettings : CommandSettings
{
    [CommandOption("--project <DIR>")]
    [Description("Project folder holding strata.yml and .strata/ (default: STRATA_PROJECT, else the current folder)")]
    public string? Project { get; init; }

    [CommandOption("--debug")]
    [Description("Show the stack trace of an error")]
    public bool Debug { get; init; }
}

/// <summary>Options of commands that report state.</summary>
internal class JsonSettings : GlobalSettings
{
    [CommandOption("--json")]
    [Description("Print the result as JSON")]
    public bool Json { get; init; }
}
