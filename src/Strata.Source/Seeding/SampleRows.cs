using Strata.Source.Workload;

namespace Strata.Source.Seeding;

/// <summary>The values of sample row N of each table, a pure function of the options and N.</summary>
internal sealed class SampleRows
{
    private const int CustomerTable = 1;
    private const int ProductTable = 2;
    private const int OrderTable = 3;
    private const int ItemTable = 4;

    private readonly SeedOptions _options;
    private readonly DateTime _start;

    public SampleRows(SeedOptions options)
    {
        _options = options;
        _start = options.AsOf.AddDays(-400).ToDateTime(TimeOnly.MinValue);
    }

    public readonly record struct Customer(long Id, string Name, bool IsActive, string Address, DateTime CreatedAt);

    public readonly record struct Product(long Id, string Name, string Barcode, decimal Price, bool IsActive, DateTime CreatedAt);

    public readonly record struct Order(long Id, DateOnly OrderDate, long CustomerId, string Status, DateTime CreatedAt, DateTime UpdatedAt);

    public readonly record struct Item(long Id, long OrderId, long ProductId, int Quantity, DateTime CreatedAt);

    public Customer CustomerAt(long id)
    {
        var random = new RowRandom(_options.Seed, CustomerTable, id);
        return new Customer(
            id,
            Catalog.CustomerName(id - 1),
            random.Below(10) < 9,
            Catalog.Addresses[(int)random.Below(Catalog.Addresses.Count)],
            _start.AddMilliseconds(random.Below(30L * 86_400_000)));
    }

    public Product ProductAt(long id)
    {
        var random = new RowRandom(_options.Seed, ProductTable, id);
        return new Product(
            id,
            Catalog.ProductName(id - 1),
            random.Below(1_000_000_000_000).ToString("D12", System.Globalization.CultureInfo.InvariantCulture),
            random.Below(10_001) / 100m,
            random.Below(10) < 9,
            _start.AddMilliseconds(random.Below(30L * 86_400_000)));
    }

    public Order OrderAt(long id)
    {
        var random = new RowRandom(_options.Seed, OrderTable, id);
        var age = (int)random.Below(365);
        var orderDate = _options.AsOf.AddDays(-age);
        // Old orders are almost all delivered; recent ones are spread over every status.
        var status = age > 30 && random.Below(20) != 0
            ? "COMPLETED"
            : Catalog.Statuses[(int)random.Below(Catalog.Statuses.Count)];
        var createdAt = orderDate.ToDateTime(TimeOnly.MinValue).AddMilliseconds(random.Below(86_400_000));
        var updatedAt = status == "PENDING" ? createdAt : createdAt.AddMilliseconds(random.Below(3L * 86_400_000));
        return new Order(id, orderDate, 1 + random.Below(_options.Customers), status, createdAt, updatedAt);
    }

    public Item ItemAt(long id, in Order order)
    {
        var random = new RowRandom(_options.Seed, ItemTable, id);
        return new Item(id, order.Id, 1 + random.Below(_options.Products), (int)random.Below(1000), order.CreatedAt);
    }
}
