using Strata.Transform.Seeds;
using Strata.UnitTests.Support;
using Strata.Warehouse;

namespace Strata.UnitTests;

public sealed class SeedCsvTests
{
    [Fact]
    public void Each_column_gets_the_narrowest_type_its_values_allow_and_empty_fields_are_null()
    {
        using var folder = new ProjectFolder();
        var file = folder.Write("seeds/kinds.csv",
            "flag,count,price,day,at,label,nothing\n" +
            "true,1,1.5,2026-01-01,2026-01-01 10:00:00,a,\n" +
            "False,-20,-0.125,2026-12-31,2026-12-31T23:59:59.5,b,\n" +
            ",300,7,,,\"quoted, with comma\",\n");

        var csv = SeedCsv.Read(file, "seeds/kinds.csv");

        Assert.Equal(["flag", "count", "price", "day", "at", "label", "nothing"], csv.Columns);
        Assert.Equal(
            [WarehouseTypeKind.Boolean, WarehouseTypeKind.Int64, WarehouseTypeKind.Decimal, WarehouseTypeKind.Date, WarehouseTypeKind.Timestamp, WarehouseTypeKind.Text, WarehouseTypeKind.Text],
            Enumerable.Range(0, csv.Columns.Count).Select(i => csv.InferType(i).Kind));
        Assert.Equal(3, csv.InferType(2).Scale);
        Assert.Equal(new string?[] { null, "300", "7", null, null, "quoted, with comma", null }, csv.Rows[2]);
    }

    [Fact]
    public void A_column_of_mixed_values_is_text()
    {
        using var folder = new ProjectFolder();
        var file = folder.Write("seeds/mixed.csv", "code\n01\nA2\n");

        Assert.Equal(WarehouseTypeKind.Text, SeedCsv.Read(file, "seeds/mixed.csv").InferType(0).Kind);
    }
}
