namespace Strata.Reports.Definitions;

#pragma warning disable CA1812, CA2227, CA1002 // created and filled by the YAML deserializer

/// <summary><c>reports/&lt;name&gt;.yml</c>.</summary>
internal sealed class ReportFile
{
    public string? Title { get; set; }

    public string? Description { get; set; }

    public List<ColumnFile> Columns { get; set; } = [];

    public List<ParameterFile> Parameters { get; set; } = [];

    public ChartFile? Chart { get; set; }

    public List<ScheduleFile> Schedules { get; set; } = [];
}

internal sealed class ColumnFile
{
    public string Name { get; set; } = "";

    public string? Label { get; set; }

    /// <summary><c>integer</c>, <c>decimal</c>, <c>decimal:2</c>, <c>percent</c>, <c>date</c>, <c>datetime</c>, <c>text</c>.</summary>
    public string? Format { get; set; }
}

internal sealed class ParameterFile
{
    public string Name { get; set; } = "";

    public string Type { get; set; } = "string";

    public string? Default { get; set; }

    public List<string>? Allowed { get; set; }

    public string? Description { get; set; }
}

internal sealed class ChartFile
{
    public string Type { get; set; } = "bar";

    public string X { get; set; } = "";

    public string Y { get; set; } = "";

    public string? Series { get; set; }
}

internal sealed class ScheduleFile
{
    public string Cron { get; set; } = "";

    public string? TimeZone { get; set; }

    public List<string> Formats { get; set; } = ["csv"];

    public Dictionary<string, string> Params { get; set; } = [];

    public List<TargetFile> Targets { get; set; } = [];

    public string? OnlyIfFresh { get; set; }

    public string? WaitUpTo { get; set; }

    public bool OnlyIfTestsPass { get; set; }

    public bool SkipIfEmpty { get; set; }
}

internal sealed class TargetFile
{
    public string? Folder { get; set; }

    public string? Email { get; set; }
}
