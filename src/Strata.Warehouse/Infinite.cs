using System.Text.Json;
using System.Text.Json.Serialization;

namespace Strata.Warehouse;

/// <summary>
/// A date or timestamp at PostgreSQL's <c>infinity</c> or <c>-infinity</c>, which no .NET date type holds. Adapters
/// store it as their engine's own infinity (PostgreSQL and DuckDB both have one) and read it back as this value,
/// never as a clamped 9999-12-31 or 0001-01-01.
/// </summary>
/// <param name="IsNegative">True for <c>-infinity</c>.</param>
[JsonConverter(typeof(InfiniteJsonConverter))]
public readonly record struct Infinite(bool IsNegative) : IFormattable
{
    /// <summary><c>infinity</c>.</summary>
    public static Infinite Positive => new(false);

    /// <summary><c>-infinity</c>.</summary>
    public static Infinite Negative => new(true);

    /// <summary>PostgreSQL's text for it.</summary>
    public override string ToString() => IsNegative ? "-infinity" : "infinity";

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    private sealed class InfiniteJsonConverter : JsonConverter<Infinite>
    {
        public override Infinite Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() == "-infinity" ? Negative : Positive;

        public override void Write(Utf8JsonWriter writer, Infinite value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
