using System.ComponentModel;
using Spectre.Console.Cli;

namespace Strata.Cli.Commands.Infra;

/// <summary>Options of <c>strata infra plan</c> and <c>drift</c>.</summary>
internal class InfraPlanSettings : JsonSettings
{
    [CommandOption("--prune")]
    [Description("Also revoke grants to roles infra.yml does not declare, on the objects it manages (never ownership, never the admin login)")]
    public bool Prune { get; init; }
}

/// <summary>Options of <c>strata infra apply</c>.</summary>
internal sealed class InfraApplySettings : InfraPlanSettings
{
    [CommandOption("--yes")]
    [Description("Apply without asking (needed when not on a terminal)")]
    public bool Yes { get; init; }
}
