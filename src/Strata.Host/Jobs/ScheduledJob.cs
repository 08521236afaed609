using Cronos;
using Strata.Errors;
using Strata.Text;

namespace Strata.Host.Jobs;

/// <summary>A job the host runs on a cron schedule once what it needs has happened.</summary>
/// <param name="Name">Its name in <c>_strata.runs</c>.</param>
/// <param name="Cron">The cron text, for display.</param>
/// <param name="Expression">The parsed schedule.</param>
/// <param name="TimeZone">The zone the schedule is read in.</param>
/// <param name="Needs">Milestones of <see cref="PlatformState"/> it waits for (<c>ingestion</c>, <c>transformation</c>).</param>
/// <param name="RunAsync">One attempt; throws on failure (transient failures are retried).</param>
public sealed record ScheduledJob(
    string Name, string Cron, CronExpression Expression, TimeZoneInfo TimeZone, IReadOnlyList<string> Needs, Func<CancellationToken, Task<JobOutcome>> RunAsync)
{
    /// <summary>Parses a cron of five fields, or six with seconds first; <paramref name="where"/> names the setting or file at fault.</summary>
    public static CronExpression ParseCron(string cron, string where)
    {
        ArgumentNullException.ThrowIfNull(cron);
        try
        {
            return CronText.Parse(cron);
        }
        catch (CronFormatException ex)
        {
            throw new ConfigurationException($"{where}: cron '{cron}' is not valid ({ex.Message}); write it like \"*/10 * * * *\", or off", ex);
        }
    }

    /// <summary>Finds an IANA time zone; <paramref name="where"/> names the setting at fault.</summary>
    public static TimeZoneInfo ParseTimeZone(string zone, string where)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(zone);
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new ConfigurationException($"{where}: time zone '{zone}' is unknown; use an IANA name such as Europe/Berlin or UTC", ex);
        }
    }
}
