using System.Globalization;
using System.Text.RegularExpressions;

namespace Strata.Infra.Snowflake;

/// <summary>
/// How Snowflake spells back what it was told: unquoted names upper-cased, <c>XSMALL</c> as <c>X-Small</c>, a quota of
/// 100 as <c>100.00</c>. Declared and read values both go through here before they are compared — the mismatches
/// Terraform's provider shows as perpetual diffs.
/// </summary>
internal static partial class SnowflakeNames
{
    /// <summary>An identifier as Snowflake stores it: upper case unless it needs quotes.</summary>
    public static string Name(string name) => PlainIdentifier().IsMatch(name) ? name.ToUpperInvariant() : name;

    /// <summary>A dotted name, each part normalised.</summary>
    public static string Qualified(string name) => string.Join('.', name.Split('.').Select(Name));

    /// <summary>A dotted name for a statement, each part as <see cref="Identifier"/> writes it.</summary>
    public static string Sql(string name) => string.Join('.', name.Split('.').Select(Identifier));

    /// <summary>One identifier for a statement (a user's name may hold a dot): bare when Snowflake would upper-case it anyway, quoted otherwise.</summary>
    public static string Identifier(string name) =>
        UpperIdentifier().IsMatch(name) ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// <c>X-Small</c>, <c>XSMALL</c>, <c>xsmall</c>, <c>XS</c> → <c>XSMALL</c>; <c>2X-Large</c> and <c>X2LARGE</c> → <c>XXLARGE</c>;
    /// <c>4X-Large</c> → <c>X4LARGE</c> (CREATE WAREHOUSE's keywords: XXLARGE, XXXLARGE, then X4LARGE to X6LARGE).
    /// </summary>
    public static string Size(string size)
    {
        var compact = size.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();
        if (LargeTimes().Match(compact) is { Success: true } large)
        {
            var times = int.Parse(large.Groups["before"].Success ? large.Groups["before"].Value : large.Groups["after"].Value, CultureInfo.InvariantCulture);
            return times <= 3 ? new string('X', times) + "LARGE" : $"X{times}LARGE";
        }

        return compact switch
        {
            "XS" => "XSMALL",
            "S" => "SMALL",
            "M" => "MEDIUM",
            "L" => "LARGE",
            "XL" => "XLARGE",
            _ => compact,
        };
    }

    /// <summary><c>100.00</c> → <c>100</c>.</summary>
    public static string Number(string value) =>
        decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) ? number.ToString("0.##", CultureInfo.InvariantCulture) : value;

    /// <summary><c>true</c>, <c>TRUE</c>, <c>Y</c> → <c>true</c>.</summary>
    public static string Boolean(string value) => value.ToUpperInvariant() is "TRUE" or "Y" or "YES" ? "true" : "false";

    [GeneratedRegex("^(?:(?<before>[2-6])X|X(?<after>[2-6]))LARGE$")]
    private static partial Regex LargeTimes();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_$]*$")]
    private static partial Regex PlainIdentifier();

    [GeneratedRegex("^[A-Z_][A-Z0-9_$]*$")]
    private static partial Regex UpperIdentifier();
}
