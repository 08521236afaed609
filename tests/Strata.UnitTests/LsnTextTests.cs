using Strata.Text;

namespace Strata.UnitTests;

public sealed class LsnTextTests
{
    [Theory]
    [InlineData(0UL, "0/0")]
    [InlineData(0x16B374D848UL, "16/B374D848")]
    [InlineData(0xFFFFFFFFFFFFFFFFUL, "FFFFFFFF/FFFFFFFF")]
    public void A_position_is_written_as_PostgreSQL_writes_it(ulong position, string text)
    {
        Assert.Equal(text, LsnText.Format(position));
        // The driver's own rendering agrees (the source side keeps using it).
        Assert.Equal(text, new NpgsqlTypes.NpgsqlLogSequenceNumber(position).ToString());
    }
}
