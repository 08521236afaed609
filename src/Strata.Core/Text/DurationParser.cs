using System.Globalization;
using Strata.Errors;

namespace Strata.Text;

/// <summary>Parses durations written as <c>20s</c>, <c>5m</c>, <c>1h</c>, <c>1h30m</c>, <c>90</c> (seconds) or <c>00:01:30</c>.</summary>
public static class DurationParser
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="option"/> names the option in the error.</summary>
    public static TimeSpan Parse(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            // NaN, infinities, negative and absurd values are not lengths of time (TimeSpan.FromSeconds would throw or wrap).
            return double.IsFinite(seconds) && seconds > 0 && seconds < TimeSpan.FromDays(36_500).TotalSeconds
                ? TimeSpan.FromSeconds(seconds)
                : throw Invalid(text, option);
        }

        if (text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
        {
            return span;
        }

        var total = TimeSpan.Zero;
        var number = "";
        foreach (var c in text.Trim().ToLowerInvariant())
        {
            if (char.IsDigit(c) || c == '.')
            {
                number += c;
                continue;
            }

            if (number.Length == 0 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw Invalid(text, option);
            }

            total += c switch
            {
                's' => TimeSpan.FromSeconds(value),
                'm' => TimeSpan.FromMinutes(value),
                'h' => TimeSpan.FromHours(value),
                'd' => TimeSpan.FromDays(value),
                _ => throw Invalid(text, option),
            };
            number = "";
        }

        return number.Length == 0 && total > TimeSpan.Zero && total < TimeSpan.FromDays(36_500) ? total : throw Invalid(text, option);
    }

    private static UsageException Invalid(string text, string option) =>
        new($"{option} '{text}' is not a duration; write it like 20s, 5m, 1h30m or 90 (seconds)");
}
