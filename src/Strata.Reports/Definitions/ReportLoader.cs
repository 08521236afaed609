using System.Globalization;
using Cronos;
using Strata.Text;
using Strata.Transform;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Strata.Reports.Definitions;

/// <summary>Reads <c>reports/*.sql</c> and <c>reports/*.yml</c> of an analytics project; every mistake names its file.</summary>
public static class ReportLoader
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
    private static readonly string[] Formats = ["integer", "decimal", "percent", "date", "datetime", "text"];
    private static readonly string[] Types = ["string", "integer", "decimal", "date", "boolean"];

    /// <summary>The output formats reports are written in.</summary>
    public static readonly IReadOnlyList<string> OutputFormats = ["csv", "xlsx", "html", "json"];

    /// <summary>Every report of the project in <paramref name="projectDirectory"/>, by name.</summary>
    public static IReadOnlyList<Report> Load(string projectDirectory)
    {
        var folder = Path.Combine(projectDirectory, "reports");
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var reports = new List<Report>();
        foreach (var sqlFile in Directory.EnumerateFiles(folder, "*.sql").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(sqlFile);
            var ymlFile = Path.ChangeExtension(sqlFile, ".yml");
            var path = $"reports/{name}.yml";
            if (!File.Exists(ymlFile))
            {
                throw new TransformException($"reports/{name}.sql has no {path}; add one with at least a title");
            }

            ReportFile file;
            try
            {
                file = Yaml.Deserialize<ReportFile?>(File.ReadAllText(ymlFile)) ?? new ReportFile();
            }
            catch (YamlException ex)
            {
                throw new TransformException($"{path}:{ex.Start.Line}:{ex.Start.Column}: {Text.YamlErrors.Describe(ex)}", ex);
            }

            reports.Add(Build(name, path, File.ReadAllText(sqlFile), file));
        }

        return reports;
    }

    private static Report Build(string name, string path, string sql, ReportFile file) => new(name, path, sql)
    {
        Title = file.Title ?? name,
        Description = file.Description,
        Columns = file.Columns.Select(c => Column(c, path)).ToList(),
        Parameters = file.Parameters.Select(p => Parameter(p, path)).ToList(),
        Chart = file.Chart is { } chart ? Chart(chart, path) : null,
        Schedules = file.Schedules.Select(s => Schedule(s, path)).ToList(),
    };

    private static ReportColumn Column(ColumnFile column, string path)
    {
        var parts = (column.Format ?? "text").Split(':', 2);
        if (!Formats.Contains(parts[0]))
        {
            throw new TransformException($"{path}: column {column.Name} has format '{column.Format}'{Suggestions.DidYouMean(parts[0], Formats)}; formats are {string.Join(", ", Formats)} (decimal:2 for places)");
        }

        var decimals = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var places) ? places
            : parts[0] is "percent" ? 1 : parts[0] is "decimal" ? 2 : 0;
        return new ReportColumn(column.Name, column.Label ?? column.Name, parts[0], decimals);
    }

    private static ReportParameter Parameter(ParameterFile parameter, string path)
    {
        if (!Types.Contains(parameter.Type))
        {
            throw new TransformException($"{path}: parameter {parameter.Name} has type '{parameter.Type}'{Suggestions.DidYouMean(parameter.Type, Types)}; types are {string.Join(", ", Types)}");
        }

        return new ReportParameter(parameter.Name, parameter.Type, parameter.Default, parameter.Allowed);
    }

    private static ReportChart Chart(ChartFile chart, string path) => chart.Type is "bar" or "line"
        ? new ReportChart(chart.Type, chart.X, chart.Y, chart.Series)
        : throw new TransformException($"{path}: chart type must be bar or line, not '{chart.Type}'");

    private static ReportSchedule Schedule(ScheduleFile schedule, string path)
    {
        CronExpression expression;
        try
        {
            expression = Strata.Text.CronText.Parse(schedule.Cron);
        }
        catch (CronFormatException ex)
        {
            throw new TransformException($"{path}: cron '{schedule.Cron}' is not valid ({ex.Message}); write it like \"0 7 * * 1-5\"", ex);
        }

        TimeZoneInfo zone;
        try
        {
            zone = schedule.TimeZone is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone);
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new TransformException($"{path}: time_zone '{schedule.TimeZone}' is unknown; use an IANA name such as Europe/Berlin", ex);
        }

        foreach (var format in schedule.Formats.Where(f => !OutputFormats.Contains(f)))
        {
            throw new TransformException($"{path}: format '{format}' is not one of {string.Join(", ", OutputFormats)}");
        }

        var targets = schedule.Targets.Select(t => t switch
        {
            { Folder: { } folder, Email: null } => new DeliveryTarget("folder", folder),
            { Email: { } email, Folder: null } => new DeliveryTarget("email", email),
            _ => throw new TransformException($"{path}: each target is either folder: PATH or email: ADDRESS"),
        }).ToList();
        if (targets.Count == 0)
        {
            throw new TransformException($"{path}: schedule '{schedule.Cron}' has no targets");
        }

        if (schedule.OnlyIfFresh is not (null or "skip" or "wait"))
        {
            throw new TransformException($"{path}: only_if_fresh must be skip or wait, not '{schedule.OnlyIfFresh}'");
        }

        if (schedule.WaitUpTo is not null && schedule.OnlyIfFresh != "wait")
        {
            throw new TransformException($"{path}: wait_up_to needs only_if_fresh: wait");
        }

        var waitUpTo = schedule.WaitUpTo is null ? TimeSpan.FromMinutes(15) : Strata.Text.DurationParser.Parse(schedule.WaitUpTo, $"{path}: wait_up_to");
        return new ReportSchedule(schedule.Cron, expression, zone, schedule.Formats, schedule.Params, targets,
            new DeliveryConditions(schedule.OnlyIfFresh, waitUpTo, schedule.OnlyIfTestsPass, schedule.SkipIfEmpty));
    }
}
