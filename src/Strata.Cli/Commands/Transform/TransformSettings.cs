using System.ComponentModel;
using Spectre.Console.Cli;

namespace Strata.Cli.Commands.Transform;

/// <summary>Options of the model commands.</summary>
internal class SelectionSettings : JsonSettings
{
    [CommandOption("-s|--select <CRITERIA>")]
    [Description("Models to take: name, +name (with upstream), name+ (with downstream), tag:x, path:models/gold, source:bronze.orders+ (repeatable)")]
    public string[] Select { get; init; } = [];

    [CommandOption("--exclude <CRITERIA>")]
    [Description("Models to leave out, in the same syntax (repeatable)")]
    public string[] Exclude { get; init; } = [];
}

/// <summary>Options of the commands that build.</summary>
internal sealed class RunSettings : SelectionSettings
{
    [CommandOption("--full-refresh")]
    [Description("Rebuild incremental, current_state and history models from scratch")]
    public bool FullRefresh { get; init; }

    [CommandOption("--threads <N>")]
    [Description("Models built at once where the warehouse takes several writers (PostgreSQL). Default: one per core")]
    public int? Threads { get; init; }
}
