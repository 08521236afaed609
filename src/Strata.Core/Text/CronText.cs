using Cronos;

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
}
