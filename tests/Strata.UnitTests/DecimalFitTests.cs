using Strata.Warehouse;

namespace Strata.UnitTests;

/// <summary>Which values a bounded decimal column holds exactly: an engine would round the others silently.</summary>
public sealed class DecimalFitTests
{
    [Theory]
    [InlineData(38, 10, "0.1234567890", true)]
    [InlineData(38, 10, "0.12345678901", false)]
    [InlineData(38, 10, "1234567890123456789012345678", true)]
    [InlineData(12, 2, "9999999999.99", true)]
    [InlineData(12, 2, "10000000000.00", false)]
    [InlineData(12, 2, "-9999999999.99", true)]
    [InlineData(12, 2, "-10000000000", false)]
    [InlineData(5, 5, "0.99999", true)]
    [InlineData(5, 5, "1", false)]
    [InlineData(4, 0, "1.5", false)]
    public void A_bounded_decimal_holds_a_value_only_without_rounding_or_overflow(int precision, int scale, string value, bool holds) =>
        Assert.Equal(holds, new WarehouseType(WarehouseTypeKind.Decimal, precision, scale).HoldsExactly(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void An_unconstrained_decimal_holds_every_value() =>
        Assert.True(new WarehouseType(WarehouseTypeKind.Decimal).HoldsExactly(0.1234567890123456789012345678m));
}
