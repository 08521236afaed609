using Spectre.Console;
using Strata.Cli.Output;
using Strata.Infra;

namespace Strata.Cli.Commands.Infra;

/// <summary>How a plan reads: one line per change under its part, its statements below it, then a summary; coloured on a terminal.</summary>
internal static class PlanView
{
    public static void Show(SpectreStrataConsole console, InfraPlan plan, bool colour)
    {
        foreach (var note in plan.Notes)
        {
            Write(console, colour, $"note: {note}", "grey");
        }

        foreach (var part in plan.Changes.GroupBy(c => c.Part))
        {
            Write(console, colour, $"{part.Key}:", "bold");
            foreach (var change in part)
            {
                Write(console, colour, "  " + change.Line, Colour(change.Action));
                // A statement over several lines (CREATE TABLE) stays under its change, every line indented.
                foreach (var line in change.Statements.SelectMany(s => s.Shown.Split('\n')))
                {
                    Write(console, colour, "      " + line.TrimEnd('\r'), "grey");
                }
            }
        }

        Write(console, colour, Summary(plan), plan.IsEmpty ? "green" : "bold");
    }

    public static string Summary(InfraPlan plan)
    {
        if (plan.IsEmpty)
        {
            return "No changes: the servers match the declaration.";
        }

        var counts = Enum.GetValues<ChangeAction>().Select(a => (Action: a, Count: plan.Changes.Count(c => c.Action == a))).Where(c => c.Count > 0);
        return "Plan: " + string.Join(", ", counts.Select(c => $"{c.Count} to {PlannedChange.Verb(c.Action)}")) + ".";
    }

    /// <summary>The plan as --json shows it (statements as the plan shows them: no secret).</summary>
    public static object Json(InfraPlan plan) => new
    {
        Changes = plan.Changes.Select(c => new { c.Part, Action = PlannedChange.Verb(c.Action), c.Subject, Statements = c.Statements.Select(s => s.Shown) }),
        plan.Notes,
        Summary = Summary(plan),
    };

    private static string Colour(ChangeAction action) => action switch
    {
        ChangeAction.Revoke => "red",
        ChangeAction.Alter => "yellow",
        _ => "green",
    };

    private static void Write(SpectreStrataConsole console, bool colour, string text, string style)
    {
        if (colour)
        {
            console.Ansi.MarkupLine($"[{style}]{Markup.Escape(text)}[/]");
        }
        else
        {
            console.Info(text);
        }
    }
}
