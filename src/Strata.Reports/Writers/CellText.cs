using System.Globalization;

using Strata.Reports.Definitions;

namespace Strata.Reports.Writers;

/// <summary>Values as text: for people (the column's format) and for machines (invariant, ISO 8601).</summary>
internal static class CellText
{
    public static string Display(object? value, ReportColumn column) => value switch
    {
        null => "",
        DateTime d when column.Format == "date" => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ when column.Format == "percent" && Number(value) is { } p => (p * 100).ToString($"N{column.Decimals}", CultureInfo.InvariantCulture) + " %",
        _ when column.Format == "decimal" && Number(value) is { } m => m.ToString($"N{column.Decimals}", CultureInfo.InvariantCulture),
        _ when column.Format == "integer" && Number(value) is { } i => i.ToString("N0", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static string Machine(object? value) => value switch
    {
        null => "",
        DateTime d when d.TimeOfDay == TimeSpan.Zero => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static decimal? Number(object? value) => value switch
    {
        null or string or DateTime or DateOnly or bool => null,
        System.Numerics.BigInteger big => (decimal)big,
        IConvertible c => c.ToDecimal(CultureInfo.InvariantCulture),
        _ => null,
    };
}
