namespace Strata.Warehouse;

/// <summary>The kinds of value a warehouse column holds; each adapter names them in its own dialect.</summary>
public enum WarehouseTypeKind
{
    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>16-bit integer.</summary>
    Int16,

    /// <summary>32-bit integer.</summary>
    Int32,

    /// <summary>64-bit integer.</summary>
    Int64,

    /// <summary>32-bit float.</summary>
    Float32,

    /// <summary>64-bit float.</summary>
    Float64,

    /// <summary>Exact decimal with <see cref="WarehouseType.Precision"/> and <see cref="WarehouseType.Scale"/>; both null = unconstrained.</summary>
    Decimal,

    /// <summary>Text of any length.</summary>
    Text,

    /// <summary>Calendar date.</summary>
    Date,

    /// <summary>Time of day.</summary>
    Time,

    /// <summary>Date and time without zone.</summary>
    Timestamp,

    /// <summary>Instant in time (UTC).</summary>
    TimestampTz,

    /// <summary>UUID.</summary>
    Uuid,

    /// <summary>JSON document.</summary>
    Json,

    /// <summary>Bytes.</summary>
    Bytes,
}

/// <summary>A column type independent of the engine.</summary>
/// <param name="Kind">What it holds.</param>
/// <param name="Precision">Total digits, for decimals.</param>
/// <param name="Scale">Digits after the point, for decimals.</param>
public sealed record WarehouseType(WarehouseTypeKind Kind, int? Precision = null, int? Scale = null)
{
    /// <summary>Text.</summary>
    public static WarehouseType Text { get; } = new(WarehouseTypeKind.Text);

    /// <summary>64-bit integer.</summary>
    public static WarehouseType Int64 { get; } = new(WarehouseTypeKind.Int64);

    /// <summary>32-bit integer.</summary>
    public static WarehouseType Int32 { get; } = new(WarehouseTypeKind.Int32);

    /// <summary>Instant in time.</summary>
    public static WarehouseType TimestampTz { get; } = new(WarehouseTypeKind.TimestampTz);

    /// <summary>
    /// False when this decimal type would have to round <paramref name="value"/> or cannot hold its integer part —
    /// an engine rounds silently where Strata must refuse. Unconstrained decimals hold every value.
    /// </summary>
    public bool HoldsExactly(decimal value)
    {
        if (Kind != WarehouseTypeKind.Decimal || Precision is not { } precision)
        {
            return true;
        }

        var scale = Scale ?? 0;
        var integerDigits = precision - scale;
        return decimal.Round(value, Math.Min(scale, 28)) == value
            && (integerDigits >= 29 || decimal.Abs(decimal.Truncate(value)) < Pow10(integerDigits));

        static decimal Pow10(int exponent)
        {
            var result = 1m;
            for (var i = 0; i < exponent; i++)
            {
                result *= 10;
            }

            return result;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Precision is null ? Kind.ToString() : $"{Kind}({Precision},{Scale})";
}

/// <summary>A named, typed column.</summary>
public sealed record WarehouseColumn(string Name, WarehouseType Type);
