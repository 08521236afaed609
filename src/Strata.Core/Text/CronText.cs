using Cronos;
using Strata.Errors;

namespace Strata.Text;

/// <summary>The one cron dialect of Strata (report schedules and <c>schedule.*</c>): five fields, or six with seconds first.</summary>
public static class CronText
{
    /// <summary>Parses <paramref name="cron"/>; throws <see cref="CronFormatException"/> for the caller to name where it came from.</summary>
    public static CronExpression Parse(string cron)
    {
        ArgumentNullException.ThrowIfNull(cron);
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
    }

    /// <summary>Parses a <c>schedule.*</c> cron; <paramref name="where"/> names the setting at fault.</summary>
    /// <exception cref="ConfigurationException">It is not valid.</exception>
    public static CronExpression Parse(string cron, string where)
    {
        ArgumentNullException.ThrowIfNull(cron);
        try
        {
            return Parse(cron);
        }
        catch (CronFormatException ex)
        {
            throw new ConfigurationException($"{where}: cron '{cron}' is not valid ({ex.Message}); write it like \"*/10 * * * *\", or off", ex);
        }
    }

    /// <summary>Finds the IANA time zone the crons are read in; <paramref name="where"/> names the setting at fault.</summary>
    /// <exception cref="ConfigurationException">It is unknown.</exception>
    public static TimeZoneInfo FindTimeZone(string zone, string where)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(zone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ConfigurationException($"{where}: time zone '{zone}' is unknown; use an IANA name such as Europe/Berlin or UTC", ex);
        }
    }
}
