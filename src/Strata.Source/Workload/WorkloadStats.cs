namespace Strata.Source.Workload;

/// <summary>Counts of the operations a workload run made, safe to read while it runs.</summary>
public sealed class WorkloadStats
{
    private readonly long[] _counts = new long[Enum.GetValues<WorkloadOperation>().Length];
    private long _items;

    /// <summary>How many operations of one kind ran.</summary>
    public long this[WorkloadOperation operation] => Interlocked.Read(ref _counts[(int)operation]);

    /// <summary>All operations (transactions) so far.</summary>
    public long Total => Enum.GetValues<WorkloadOperation>().Sum(o => this[o]);

    /// <summary>Customer operations (inserts and updates).</summary>
    public long Customers => this[WorkloadOperation.CustomerInsert] + this[WorkloadOperation.CustomerUpdate];

    /// <summary>Product operations (inserts and updates).</summary>
    public long Products => this[WorkloadOperation.ProductInsert] + this[WorkloadOperation.ProductUpdate];

    /// <summary>Order operations (inserts, status changes and deletes).</summary>
    public long Orders => Total - Customers - Products;

    /// <summary>Order items inserted with new orders.</summary>
    public long ItemsInserted => Interlocked.Read(ref _items);

    /// <summary>How much of the original workload's time has been replayed (all jobs are at least this far).</summary>
    public TimeSpan WorkloadTime { get; internal set; }

    /// <summary>Every count by name, for JSON output.</summary>
    public IReadOnlyDictionary<string, long> ToDictionary() =>
        Enum.GetValues<WorkloadOperation>().ToDictionary(o => o.ToString(), o => this[o]);

    internal void Add(WorkloadOperation operation, int items = 0)
    {
        Interlocked.Increment(ref _counts[(int)operation]);
        Interlocked.Add(ref _items, items);
    }
}

/// <summary>The kinds of transaction the workload makes.</summary>
public enum WorkloadOperation
{
    /// <summary>A new customer.</summary>
    CustomerInsert,

    /// <summary>A customer's address and activity changed.</summary>
    CustomerUpdate,

    /// <summary>A new product.</summary>
    ProductInsert,

    /// <summary>A product's price and activity changed.</summary>
    ProductUpdate,

    /// <summary>A new pending order with its items, in one transaction.</summary>
    OrderInsert,

    /// <summary>An open order moved to another status.</summary>
    OrderStatusUpdate,

    /// <summary>An order and its items deleted.</summary>
    OrderDelete,

    /// <summary>One item of an order that has several deleted.</summary>
    OrderItemDelete,
}
