using Strata.Warehouse.Snowflake.Api;

namespace Strata.UnitTests.Snowflake;

/// <summary>The SQL API's cell encodings ("Handling responses" → "Getting the data from the results") read back as typed values.</summary>
public sealed class SnowflakeValuesTests
{
    private static SnowflakeColumn Column(string type, int? scale = null, int? precision = null) => new("C", type, precision, scale, true);

    [Fact]
    public void Numbers_are_longs_at_scale_zero_decimals_with_a_scale_and_doubles_when_real()
    {
        Assert.Equal(42L, SnowflakeValues.Decode("42", Column("fixed", 0, 38)));
        Assert.Equal(-7L, SnowflakeValues.Decode("-7", Column("fixed", 0, 38)));
        Assert.Equal(12345678901234567890123m, SnowflakeValues.Decode("12345678901234567890123", Column("fixed", 0, 38)));
        Assert.Equal(-1234.50m, SnowflakeValues.Decode("-1234.50", Column("fixed", 2, 38)));
        Assert.Equal(1.5e300, SnowflakeValues.Decode("1.5e300", Column("real")));
        Assert.Equal(double.PositiveInfinity, SnowflakeValues.Decode("inf", Column("real")));
        Assert.Throws<FormatException>(() => SnowflakeValues.Decode("99999999999999999999999999999999999999", Column("fixed", 0, 38)));
    }

    [Fact]
    public void Dates_times_and_timestamps_read_from_epoch_seconds_with_tz_offsets_as_minutes_plus_1440()
    {
        Assert.Equal(new DateOnly(2026, 3, 1), SnowflakeValues.Decode("20513", Column("date")));
        Assert.Equal(new DateOnly(1969, 12, 31), SnowflakeValues.Decode("-1", Column("date")));
        Assert.Equal(new TimeOnly(13, 45, 30, 123), SnowflakeValues.Decode("49530.123000000", Column("time", 9)));
        Assert.Equal(new DateTime(2021, 3, 19, 17, 6, 59, DateTimeKind.Unspecified).AddTicks(1234567), SnowflakeValues.Decode("1616173619.123456789", Column("timestamp_ntz", 9)));
        Assert.Equal(new DateTimeOffset(1969, 12, 31, 23, 59, 58, 500, TimeSpan.Zero), SnowflakeValues.Decode("-1.500000000", Column("timestamp_ltz", 9)));

        var tz = (DateTimeOffset)SnowflakeValues.Decode("1616173619.000000000 1500", Column("timestamp_tz", 9))!;
        Assert.Equal(TimeSpan.FromMinutes(60), tz.Offset);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1616173619), tz);
        Assert.Equal(TimeSpan.FromHours(-8), ((DateTimeOffset)SnowflakeValues.Decode("1616173619.000000000 960", Column("timestamp_tz", 9))!).Offset);
    }

    [Fact]
    public void Booleans_binary_text_semi_structured_and_null()
    {
        Assert.Equal(true, SnowflakeValues.Decode("true", Column("boolean")));
        Assert.Equal(false, SnowflakeValues.Decode("false", Column("BOOLEAN")));
        Assert.Equal(new byte[] { 0xCA, 0xFE }, SnowflakeValues.Decode("CAFE", Column("binary")));
        Assert.Equal("""{"a":[1,2]}""", SnowflakeValues.Decode("""{"a":[1,2]}""", Column("variant")));
        Assert.Equal("héllo", SnowflakeValues.Decode("héllo", Column("text")));
        Assert.Null(SnowflakeValues.Decode(null, Column("fixed", 0)));
    }
}
