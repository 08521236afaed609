using System.Globalization;

namespace Strata.Text;

/// <summary>A PostgreSQL WAL position as PostgreSQL writes it (<c>16/B374D848</c>), for messages and status without a driver type.</summary>
public static class LsnText
{
    /// <summary>The text of <paramref name="position"/>: the high and low 32 bits in hexadecimal.</summary>
    public static string Format(ulong position) => string.Create(CultureInfo.InvariantCulture, $"{position >> 32:X}/{position & 0xFFFFFFFF:X}");

    /// <inheritdoc cref="Format(ulong)" />
    public static string Format(long position) => Format(unchecked((ulong)position));
}
