namespace Strata.Ingestion.Bronze;

/// <summary>Timestamps read back from a warehouse, whichever CLR type its driver returns.</summary>
internal static class Timestamps
{
    /// <summary>The value as UTC; an unspecified kind is UTC, as every Strata metadata timestamp is written.</summary>
    public static DateTime? ToUtc(object? value) => value switch
    {
        DateTime d => d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d.ToUniversalTime(),
        DateTimeOffset o => o.UtcDateTime,
        _ => null,
    };
}
