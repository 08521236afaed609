using Cronos;

namespace Strata.Reports.Definitions;

/// <summary>A business report: a query over the models, how to show it, and when and where to deliver it.</summary>
public sealed class Report
{
    internal Report(string name, string path, string sql)
    {
        Name = name;
        Path = path;
        Sql = sql;
    }

    /// <summary>File name without extension.</summary>
    public string Name { get; }

    /// <summary>The yml file, relative to the project.</summary>
    public string Path { get; }

    /// <summary>The SQL template.</summary>
    public string Sql { get; }

    /// <summary>Title.</summary>
    public string Title { get; internal set; } = "";

    /// <summary>What it answers.</summary>
    public string? Description { get; internal set; }

    /// <summary>How to show columns (those not listed show as they come).</summary>
    public IReadOnlyList<ReportColumn> Columns { get; internal set; } = [];

    /// <summary>Parameters.</summary>
    public IReadOnlyList<ReportParameter> Parameters { get; internal set; } = [];

    /// <summary>The chart, if any.</summary>
    public ReportChart? Chart { get; internal set; }

    /// <summary>Deliveries on a schedule.</summary>
    public IReadOnlyList<ReportSchedule> Schedules { get; internal set; } = [];
}

/// <summary>How a column shows.</summary>
/// <param name="Name">Column name in the query.</param>
/// <param name="Label">Header.</param>
/// <param name="Format"><c>integer</c>, <c>decimal</c> with <paramref name="Decimals"/>, <c>percent</c>, <c>date</c>, <c>datetime</c> or <c>text</c>.</param>
/// <param name="Decimals">Decimal places.</param>
public sealed record ReportColumn(string Name, string Label, string Format, int Decimals);

/// <summary>A report parameter, bound as a query parameter.</summary>
/// <param name="Name">Name.</param>
/// <param name="Type"><c>string</c>, <c>integer</c>, <c>decimal</c>, <c>date</c> or <c>boolean</c>.</param>
/// <param name="Default">Default (text), null for none.</param>
/// <param name="Allowed">Allowed values, if restricted.</param>
public sealed record ReportParameter(string Name, string Type, string? Default, IReadOnlyList<string>? Allowed);

/// <summary>A bar or line chart.</summary>
/// <param name="Type"><c>bar</c> or <c>line</c>.</param>
/// <param name="X">Column on the x axis.</param>
/// <param name="Y">Column of values.</param>
/// <param name="Series">Column that splits the values into series.</param>
public sealed record ReportChart(string Type, string X, string Y, string? Series);

/// <summary>A scheduled delivery.</summary>
/// <param name="Cron">Cron expression (5 fields, or 6 with seconds).</param>
/// <param name="Expression">Parsed.</param>
/// <param name="TimeZone">Time zone the expression is read in.</param>
/// <param name="Formats">Formats to deliver.</param>
/// <param name="Parameters">Parameter values.</param>
/// <param name="Targets">Where to.</param>
/// <param name="Conditions">What the data must be like for the delivery to go out.</param>
public sealed record ReportSchedule(
    string Cron, CronExpression Expression, TimeZoneInfo TimeZone, IReadOnlyList<string> Formats, IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<DeliveryTarget> Targets,
    DeliveryConditions? Conditions = null);

/// <summary>A delivery tied to the state of its data.</summary>
/// <param name="OnlyIfFresh">null (deliver whatever the age), <c>skip</c> (skip when the relations it reads are older than <c>freshness.error_after</c>) or <c>wait</c> (wait for them, up to <paramref name="WaitUpTo"/>, then skip).</param>
/// <param name="WaitUpTo">How long <c>wait</c> waits.</param>
/// <param name="OnlyIfTestsPass">Skip when a test of severity error fails on a model the report reads or one upstream of it.</param>
/// <param name="SkipIfEmpty">Skip when the report has no rows.</param>
public sealed record DeliveryConditions(string? OnlyIfFresh, TimeSpan WaitUpTo, bool OnlyIfTestsPass, bool SkipIfEmpty)
{
    /// <summary>Deliver always.</summary>
    public static DeliveryConditions None { get; } = new(null, TimeSpan.Zero, false, false);
}

/// <summary>A folder or an e-mail address.</summary>
/// <param name="Kind"><c>folder</c> or <c>email</c>.</param>
/// <param name="Address">The path or the address.</param>
public sealed record DeliveryTarget(string Kind, string Address)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}:{Address}";
}
